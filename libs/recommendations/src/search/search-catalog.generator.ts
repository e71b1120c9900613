import type { SearchableItem } from './search.types';

/**
 * A deterministic synthetic catalog for search benchmarks: English and
 * Chinese titles, a category tree, a few hundred brands, and descriptions
 * that mix shop vocabulary with a long tail of made-up words so the
 * vocabulary (and so typo correction's search space) is as large as a real
 * catalog's, tens of thousands of words.
 */

export interface SearchCatalogOptions {
  readonly items: number;
  readonly seed?: number;
  /** Share of items with Chinese text. Default 0.3. */
  readonly chineseShare?: number;
}

const COLOURS = [
  'red',
  'blue',
  'black',
  'white',
  'green',
  'grey',
  'navy',
  'pink',
  'beige',
  'orange',
  'purple',
  'yellow',
];
const ADJECTIVES = [
  'lightweight',
  'waterproof',
  'breathable',
  'classic',
  'slim',
  'vintage',
  'premium',
  'casual',
  'warm',
  'stretch',
  'organic',
  'wireless',
  'portable',
  'compact',
  'durable',
  'soft',
  'insulated',
  'reflective',
  'ergonomic',
  'foldable',
];
const MATERIALS = [
  'cotton',
  'leather',
  'wool',
  'mesh',
  'nylon',
  'denim',
  'linen',
  'steel',
  'bamboo',
  'silicone',
  'fleece',
  'suede',
];
const AUDIENCE = ['men', 'women', 'kids', 'unisex'];
const CATEGORIES: Record<string, Record<string, string[]>> = {
  Shoes: {
    Running: ['running shoes', 'trail runners', 'racing flats'],
    Boots: ['hiking boots', 'chelsea boots', 'snow boots'],
    Sneakers: ['sneakers', 'trainers', 'skate shoes'],
  },
  Clothing: {
    Jackets: ['rain jacket', 'down jacket', 'windbreaker'],
    Shirts: ['shirt', 'polo shirt', 'blouse'],
    Trousers: ['jeans', 'chinos', 'joggers'],
    Knitwear: ['sweater', 'cardigan', 'hoodie'],
  },
  Electronics: {
    Audio: ['headphones', 'earbuds', 'speaker'],
    Phones: ['phone case', 'charger', 'power bank'],
    Wearables: ['smartwatch', 'fitness tracker', 'watch strap'],
  },
  Home: {
    Kitchen: ['kettle', 'frying pan', 'knife set'],
    Bedding: ['duvet cover', 'pillow', 'blanket'],
    Lighting: ['desk lamp', 'floor lamp', 'light bulb'],
  },
  Sports: {
    Fitness: ['yoga mat', 'dumbbells', 'resistance bands'],
    Cycling: ['bike helmet', 'cycling gloves', 'bike light'],
    Outdoor: ['tent', 'sleeping bag', 'backpack'],
  },
};
const CHINESE_CATEGORIES: Record<string, Record<string, string[]>> = {
  鞋类: { 运动鞋: ['跑步鞋', '跑鞋', '篮球鞋', '运动鞋'], 靴子: ['登山靴', '雪地靴', '马丁靴'] },
  服装: {
    外套: ['羽绒服', '冲锋衣', '夹克'],
    上衣: ['衬衫', '卫衣', '毛衣'],
    裤子: ['牛仔裤', '运动裤', '休闲裤'],
  },
  数码: { 音频: ['蓝牙耳机', '无线耳机', '音箱'], 手机配件: ['手机壳', '充电器', '充电宝'] },
  家居: { 厨房: ['电水壶', '炒锅', '刀具'], 床品: ['被套', '枕头', '毛毯'] },
};
const CHINESE_COLOURS = ['红色', '蓝色', '黑色', '白色', '绿色', '灰色', '粉色'];
const CHINESE_ADJECTIVES = [
  '轻便',
  '透气',
  '防水',
  '保暖',
  '男士',
  '女士',
  '儿童',
  '新款',
  '经典',
  '加厚',
  '无线',
  '便携',
];
const CHINESE_DESCRIPTION = [
  '舒适',
  '耐磨',
  '时尚',
  '百搭',
  '柔软',
  '高品质',
  '正品',
  '包邮',
  '适合',
  '日常',
  '运动',
  '户外',
  '旅行',
  '办公',
];
const SHOP_WORDS = [
  'comfortable',
  'everyday',
  'quality',
  'design',
  'fit',
  'size',
  'perfect',
  'gift',
  'easy',
  'care',
  'machine',
  'washable',
  'features',
  'pocket',
  'zip',
  'adjustable',
  'strap',
  'support',
  'travel',
  'outdoor',
  'season',
  'style',
  'material',
  'recycled',
  'warranty',
  'battery',
  'hours',
  'grip',
  'cushioning',
  'sole',
];
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tor',
  'va',
  'sel',
  'quin',
  'dra',
  'po',
  'zu',
  'ber',
  'fen',
  'gal',
  'hu',
  'jas',
  'ne',
  'ori',
  'pla',
  'ros',
  'sta',
  'tem',
  'ul',
  'vex',
  'wy',
  'xa',
  'yor',
  'ze',
];

export interface GeneratedCatalog {
  readonly items: SearchableItem[];
  /** Words that occur in titles, to build queries from. */
  readonly titleWords: string[];
  readonly chineseWords: string[];
}

export function generateSearchCatalog(options: SearchCatalogOptions): GeneratedCatalog {
  const random = mulberry32(options.seed ?? 42);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const chineseShare = options.chineseShare ?? 0.3;

  const brands = Array.from({ length: 300 }, (_, i) => {
    const name = pseudoWord(random, 2 + (i % 2));
    return name[0].toUpperCase() + name.slice(1);
  });
  // A long tail of made-up words, drawn with a Zipf-like skew.
  const tail = Array.from({ length: Math.min(40_000, Math.max(1000, options.items)) }, () =>
    pseudoWord(random, 2 + Math.floor(random() * 3)),
  );
  const tailWord = () => tail[Math.floor(tail.length * Math.pow(random(), 2.5))];

  const englishLeaves = leavesOf(CATEGORIES);
  const chineseLeaves = leavesOf(CHINESE_CATEGORIES);
  const items: SearchableItem[] = [];
  for (let i = 0; i < options.items; i++) {
    const brand = random() < 0.9 ? pick(brands) : '';
    const chinese = random() < chineseShare;
    let title: string;
    let description: string;
    let categoryPath: string[];
    if (chinese) {
      const leaf = pick(chineseLeaves);
      categoryPath = leaf.path;
      title = `${brand} ${pick(CHINESE_COLOURS)}${pick(CHINESE_ADJECTIVES)}${pick(leaf.nouns)} ${modelCode(random)}`;
      description = Array.from({ length: 6 + Math.floor(random() * 10) }, () =>
        pick(CHINESE_DESCRIPTION),
      ).join('');
    } else {
      const leaf = pick(englishLeaves);
      categoryPath = leaf.path;
      title = [
        brand,
        random() < 0.5 ? pick(ADJECTIVES) : '',
        pick(COLOURS),
        random() < 0.4 ? pick(MATERIALS) : '',
        pick(leaf.nouns),
        random() < 0.5 ? `for ${pick(AUDIENCE)}` : '',
        modelCode(random),
      ]
        .filter(Boolean)
        .join(' ');
      description = Array.from({ length: 12 + Math.floor(random() * 30) }, () =>
        random() < 0.6 ? pick(SHOP_WORDS) : random() < 0.5 ? pick(ADJECTIVES) : tailWord(),
      ).join(' ');
    }
    items.push({
      itemId: `item-${String(i).padStart(7, '0')}`,
      title,
      description,
      brand,
      categoryPath,
      price: Math.round(Math.exp(1 + random() * 6) * 100) / 100,
      currency: 'EUR',
      inStock: random() < 0.85,
      status: random() < 0.97 ? 'active' : 'delisted',
    });
  }
  const titleWords = [
    ...COLOURS,
    ...ADJECTIVES,
    ...MATERIALS,
    ...englishLeaves.flatMap((leaf) => leaf.nouns.flatMap((noun) => noun.split(' '))),
  ];
  const chineseWords = [
    ...CHINESE_COLOURS,
    ...CHINESE_ADJECTIVES,
    ...chineseLeaves.flatMap((leaf) => leaf.nouns),
  ];
  return { items, titleWords: [...new Set(titleWords)], chineseWords };
}

function leavesOf(tree: Record<string, Record<string, string[]>>) {
  return Object.entries(tree).flatMap(([root, subs]) =>
    Object.entries(subs).map(([sub, nouns]) => ({ path: [root, sub], nouns })),
  );
}

function pseudoWord(random: () => number, syllables: number): string {
  let word = '';
  for (let s = 0; s < syllables; s++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
  return word;
}

function modelCode(random: () => number): string {
  return `${String.fromCharCode(97 + Math.floor(random() * 26))}${Math.floor(random() * 10_000)}`;
}

/** Small, fast, seedable PRNG: the same seed gives the same catalog everywhere. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

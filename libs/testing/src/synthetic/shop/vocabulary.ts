/**
 * The words the synthetic shop is made of, in English and Chinese: the
 * category tree (8 departments × 6 categories × 5 leaf categories), and per
 * department the adjectives, materials and price level that item titles,
 * descriptions and search queries are built from. Category paths stay in
 * English (a shop has one set of category names); titles, descriptions and
 * queries come in either language, so Pulse's tokenizer sees both scripts.
 *
 * Words come in [English, Chinese] pairs so a query in either language can
 * be matched to the same item feature.
 */

export type Bilingual = readonly [en: string, zh: string];

/** A leaf category: its label in the category path, the singular noun for titles, the Chinese noun. */
export type LeafWords = readonly [label: string, noun: string, zh: string];

export interface DepartmentWords {
  readonly name: Bilingual;
  /** Typical price (EUR) of an item here; leaves vary around it, items log-normally around the leaf. */
  readonly medianPrice: number;
  /** Spread of log(price) within a leaf. */
  readonly priceSigma: number;
  /** Share of titles that name a colour (nobody sells "red coffee beans"). */
  readonly colourShare: number;
  readonly adjectives: readonly Bilingual[];
  /** Materials, ingredients or flavours, whatever the department's items are made of. */
  readonly materials: readonly Bilingual[];
  readonly categories: readonly {
    readonly name: Bilingual;
    readonly leaves: readonly LeafWords[];
  }[];
}

export const COLOURS: readonly Bilingual[] = [
  ['black', '黑色'],
  ['white', '白色'],
  ['red', '红色'],
  ['blue', '蓝色'],
  ['navy', '藏青色'],
  ['green', '绿色'],
  ['grey', '灰色'],
  ['beige', '米色'],
  ['pink', '粉色'],
  ['yellow', '黄色'],
  ['brown', '棕色'],
  ['purple', '紫色'],
  ['orange', '橙色'],
  ['silver', '银色'],
];

// One line per category reads as a table; wrapped by the formatter, the tree is hard to scan.
// prettier-ignore
export const DEPARTMENTS: readonly DepartmentWords[] = [
  {
    name: ['Shoes', '鞋靴'],
    medianPrice: 75,
    priceSigma: 0.45,
    colourShare: 0.9,
    adjectives: [['lightweight', '轻量'], ['breathable', '透气'], ['waterproof', '防水'], ['cushioned', '缓震'], ['non-slip', '防滑'], ['classic', '经典'], ['comfortable', '舒适']],
    materials: [['mesh', '网面'], ['leather', '真皮'], ['suede', '麂皮'], ['canvas', '帆布'], ['knit', '针织'], ['rubber', '橡胶']],
    categories: [
      { name: ['Running', '跑步鞋'], leaves: [['Trail running shoes', 'trail running shoe', '越野跑鞋'], ['Road running shoes', 'road running shoe', '公路跑鞋'], ['Racing shoes', 'racing shoe', '竞速跑鞋'], ['Stability shoes', 'stability shoe', '稳定跑鞋'], ['Cushioned running shoes', 'cushioned running shoe', '缓震跑鞋']] },
      { name: ['Casual', '休闲鞋'], leaves: [['Sneakers', 'sneaker', '运动休闲鞋'], ['Loafers', 'loafer', '乐福鞋'], ['Slip-ons', 'slip-on', '一脚蹬'], ['Canvas shoes', 'canvas shoe', '帆布鞋'], ['Boat shoes', 'boat shoe', '船鞋']] },
      { name: ['Boots', '靴子'], leaves: [['Hiking boots', 'hiking boot', '登山靴'], ['Winter boots', 'winter boot', '雪地靴'], ['Chelsea boots', 'chelsea boot', '切尔西靴'], ['Rain boots', 'rain boot', '雨靴'], ['Work boots', 'work boot', '工装靴']] },
      { name: ['Formal', '正装鞋'], leaves: [['Oxfords', 'oxford shoe', '牛津鞋'], ['Derby shoes', 'derby shoe', '德比鞋'], ['Heels', 'heel', '高跟鞋'], ['Ballet flats', 'ballet flat', '芭蕾平底鞋'], ['Brogues', 'brogue', '布洛克鞋']] },
      { name: ['Sandals', '凉鞋'], leaves: [['Sport sandals', 'sport sandal', '运动凉鞋'], ['Flip-flops', 'flip-flop', '人字拖'], ['Slides', 'slide', '拖鞋'], ['Wedge sandals', 'wedge sandal', '坡跟凉鞋'], ['Clogs', 'clog', '洞洞鞋']] },
      { name: ['Kids', '童鞋'], leaves: [["Kids' sneakers", 'kids sneaker', '儿童运动鞋'], ['Baby shoes', 'baby shoe', '婴儿鞋'], ['School shoes', 'school shoe', '学生鞋'], ["Kids' boots", 'kids boot', '儿童靴'], ['Light-up shoes', 'light-up shoe', '发光鞋']] },
    ],
  },
  {
    name: ['Clothing', '服装'],
    medianPrice: 40,
    priceSigma: 0.6,
    colourShare: 0.9,
    adjectives: [['slim-fit', '修身'], ['oversized', '宽松'], ['casual', '休闲'], ['elegant', '优雅'], ['warm', '保暖'], ['quick-dry', '速干'], ['vintage', '复古']],
    materials: [['cotton', '纯棉'], ['linen', '亚麻'], ['wool', '羊毛'], ['silk', '真丝'], ['polyester', '涤纶'], ['cashmere', '羊绒'], ['denim', '牛仔']],
    categories: [
      { name: ['Women', '女装'], leaves: [['Dresses', 'dress', '连衣裙'], ['Blouses', 'blouse', '女士衬衫'], ['Skirts', 'skirt', '半身裙'], ['Knitwear', 'sweater', '针织衫'], ['Coats', 'coat', '大衣']] },
      { name: ['Men', '男装'], leaves: [['Shirts', 'shirt', '男士衬衫'], ['Trousers', 'trousers', '长裤'], ['Suits', 'suit', '西装'], ['Polo shirts', 'polo shirt', 'Polo衫'], ['Jackets', 'jacket', '夹克']] },
      { name: ['Sportswear', '运动服'], leaves: [['Leggings', 'leggings', '紧身裤'], ['Sports bras', 'sports bra', '运动内衣'], ['Tracksuits', 'tracksuit', '运动套装'], ['Running shorts', 'running shorts', '跑步短裤'], ['Training tops', 'training top', '训练上衣']] },
      { name: ['Outerwear', '外套'], leaves: [['Down jackets', 'down jacket', '羽绒服'], ['Raincoats', 'raincoat', '雨衣'], ['Fleece jackets', 'fleece jacket', '抓绒外套'], ['Parkas', 'parka', '派克大衣'], ['Windbreakers', 'windbreaker', '风衣']] },
      { name: ['Underwear', '内衣'], leaves: [['Socks', 'socks', '袜子'], ['Boxers', 'boxers', '平角内裤'], ['Bras', 'bra', '文胸'], ['Pyjamas', 'pyjamas', '睡衣'], ['Thermal underwear', 'thermal underwear', '保暖内衣']] },
      { name: ['Kids', '童装'], leaves: [['Baby bodysuits', 'baby bodysuit', '婴儿连体衣'], ["Kids' T-shirts", 'kids t-shirt', '儿童T恤'], ["Kids' jackets", 'kids jacket', '儿童外套'], ['School uniforms', 'school uniform', '校服'], ["Kids' pyjamas", 'kids pyjamas', '儿童睡衣']] },
    ],
  },
  {
    name: ['Beauty', '美妆'],
    medianPrice: 25,
    priceSigma: 0.7,
    colourShare: 0.15,
    adjectives: [['hydrating', '保湿'], ['gentle', '温和'], ['long-lasting', '持久'], ['organic', '有机'], ['brightening', '亮白'], ['anti-ageing', '抗衰老']],
    materials: [['hyaluronic acid', '玻尿酸'], ['vitamin C', '维C'], ['aloe', '芦荟'], ['green tea', '绿茶'], ['rose', '玫瑰'], ['collagen', '胶原蛋白']],
    categories: [
      { name: ['Skin care', '护肤'], leaves: [['Serums', 'serum', '精华液'], ['Moisturisers', 'moisturiser', '面霜'], ['Cleansers', 'cleanser', '洁面乳'], ['Sunscreen', 'sunscreen', '防晒霜'], ['Face masks', 'face mask', '面膜']] },
      { name: ['Makeup', '彩妆'], leaves: [['Lipsticks', 'lipstick', '口红'], ['Foundations', 'foundation', '粉底液'], ['Mascaras', 'mascara', '睫毛膏'], ['Eyeshadow palettes', 'eyeshadow palette', '眼影盘'], ['Blushes', 'blush', '腮红']] },
      { name: ['Hair care', '护发'], leaves: [['Shampoos', 'shampoo', '洗发水'], ['Conditioners', 'conditioner', '护发素'], ['Hair oils', 'hair oil', '护发精油'], ['Hair dryers', 'hair dryer', '吹风机'], ['Hair masks', 'hair mask', '发膜']] },
      { name: ['Fragrance', '香水'], leaves: [['Eau de parfum', 'eau de parfum', '淡香精'], ['Eau de toilette', 'eau de toilette', '淡香水'], ['Body mists', 'body mist', '身体喷雾'], ['Perfume oils', 'perfume oil', '香精油'], ['Fragrance gift sets', 'fragrance gift set', '香水礼盒']] },
      { name: ['Bath & body', '沐浴身体'], leaves: [['Shower gels', 'shower gel', '沐浴露'], ['Body lotions', 'body lotion', '身体乳'], ['Hand creams', 'hand cream', '护手霜'], ['Bath salts', 'bath salt', '浴盐'], ['Deodorants', 'deodorant', '止汗露']] },
      { name: ["Men's grooming", '男士护理'], leaves: [['Shavers', 'shaver', '剃须刀'], ['Beard oils', 'beard oil', '胡须油'], ['Aftershaves', 'aftershave', '须后水'], ["Men's face wash", 'face wash', '男士洗面奶'], ['Trimmers', 'trimmer', '修剪器']] },
    ],
  },
  {
    name: ['Home', '家居'],
    medianPrice: 45,
    priceSigma: 0.8,
    colourShare: 0.6,
    adjectives: [['minimalist', '简约'], ['Nordic', '北欧'], ['compact', '小巧'], ['modern', '现代'], ['handmade', '手工'], ['durable', '耐用']],
    materials: [['wood', '实木'], ['ceramic', '陶瓷'], ['stainless steel', '不锈钢'], ['glass', '玻璃'], ['bamboo', '竹制'], ['linen', '亚麻']],
    categories: [
      { name: ['Kitchen', '厨房'], leaves: [['Coffee makers', 'coffee maker', '咖啡机'], ['Knives', 'knife', '菜刀'], ['Cookware sets', 'cookware set', '锅具套装'], ['Kettles', 'kettle', '电水壶'], ['Blenders', 'blender', '搅拌机']] },
      { name: ['Lighting', '灯具'], leaves: [['Desk lamps', 'desk lamp', '台灯'], ['Ceiling lights', 'ceiling light', '吸顶灯'], ['Floor lamps', 'floor lamp', '落地灯'], ['LED strips', 'LED strip', 'LED灯带'], ['Night lights', 'night light', '小夜灯']] },
      { name: ['Bedding', '床上用品'], leaves: [['Duvets', 'duvet', '被子'], ['Pillows', 'pillow', '枕头'], ['Bed sheets', 'bed sheet', '床单'], ['Blankets', 'blanket', '毛毯'], ['Mattress toppers', 'mattress topper', '床垫']] },
      { name: ['Furniture', '家具'], leaves: [['Office chairs', 'office chair', '办公椅'], ['Bookshelves', 'bookshelf', '书架'], ['Coffee tables', 'coffee table', '茶几'], ['Sofas', 'sofa', '沙发'], ['Bedside tables', 'bedside table', '床头柜']] },
      { name: ['Decor', '装饰'], leaves: [['Vases', 'vase', '花瓶'], ['Candles', 'candle', '香薰蜡烛'], ['Picture frames', 'picture frame', '相框'], ['Wall clocks', 'wall clock', '挂钟'], ['Rugs', 'rug', '地毯']] },
      { name: ['Storage', '收纳'], leaves: [['Storage boxes', 'storage box', '收纳盒'], ['Shoe racks', 'shoe rack', '鞋架'], ['Hangers', 'hanger', '衣架'], ['Baskets', 'basket', '收纳篮'], ['Drawer organisers', 'drawer organiser', '抽屉整理盒']] },
    ],
  },
  {
    name: ['Electronics', '数码电子'],
    medianPrice: 90,
    priceSigma: 0.7,
    colourShare: 0.6,
    adjectives: [['wireless', '无线'], ['portable', '便携'], ['noise-cancelling', '降噪'], ['fast-charging', '快充'], ['ultra-thin', '超薄'], ['smart', '智能']],
    materials: [['aluminium', '铝合金'], ['plastic', '塑料'], ['silicone', '硅胶'], ['carbon fibre', '碳纤维'], ['glass', '玻璃']],
    categories: [
      { name: ['Audio', '音频'], leaves: [['Headphones', 'headphones', '头戴耳机'], ['Earbuds', 'earbuds', '蓝牙耳机'], ['Speakers', 'speaker', '音箱'], ['Soundbars', 'soundbar', '回音壁'], ['Turntables', 'turntable', '黑胶唱机']] },
      { name: ['Phones', '手机'], leaves: [['Smartphones', 'smartphone', '智能手机'], ['Phone cases', 'phone case', '手机壳'], ['Screen protectors', 'screen protector', '钢化膜'], ['Power banks', 'power bank', '充电宝'], ['Chargers', 'charger', '充电器']] },
      { name: ['Computers', '电脑'], leaves: [['Laptops', 'laptop', '笔记本电脑'], ['Keyboards', 'keyboard', '键盘'], ['Mice', 'mouse', '鼠标'], ['Monitors', 'monitor', '显示器'], ['USB hubs', 'USB hub', '扩展坞']] },
      { name: ['Cameras', '相机'], leaves: [['Digital cameras', 'digital camera', '数码相机'], ['Action cameras', 'action camera', '运动相机'], ['Lenses', 'lens', '镜头'], ['Tripods', 'tripod', '三脚架'], ['Memory cards', 'memory card', '存储卡']] },
      { name: ['Wearables', '可穿戴'], leaves: [['Smartwatches', 'smartwatch', '智能手表'], ['Fitness trackers', 'fitness tracker', '运动手环'], ['Smart rings', 'smart ring', '智能戒指'], ['Watch straps', 'watch strap', '表带'], ['VR headsets', 'VR headset', 'VR眼镜']] },
      { name: ['Gaming', '游戏'], leaves: [['Game consoles', 'game console', '游戏机'], ['Controllers', 'controller', '游戏手柄'], ['Gaming headsets', 'gaming headset', '游戏耳机'], ['Gaming chairs', 'gaming chair', '电竞椅'], ['Video games', 'video game', '游戏光盘']] },
    ],
  },
  {
    name: ['Sports', '运动户外'],
    medianPrice: 50,
    priceSigma: 0.8,
    colourShare: 0.6,
    adjectives: [['foldable', '折叠'], ['waterproof', '防水'], ['professional', '专业'], ['ultralight', '超轻'], ['durable', '耐用'], ['anti-slip', '防滑']],
    materials: [['nylon', '尼龙'], ['aluminium', '铝合金'], ['neoprene', '氯丁橡胶'], ['EVA', 'EVA'], ['carbon fibre', '碳纤维'], ['polyester', '涤纶']],
    categories: [
      { name: ['Camping', '露营'], leaves: [['Tents', 'tent', '帐篷'], ['Sleeping bags', 'sleeping bag', '睡袋'], ['Camping stoves', 'camping stove', '露营炉'], ['Camping chairs', 'camping chair', '折叠椅'], ['Headlamps', 'headlamp', '头灯']] },
      { name: ['Fitness', '健身'], leaves: [['Dumbbells', 'dumbbell', '哑铃'], ['Yoga mats', 'yoga mat', '瑜伽垫'], ['Resistance bands', 'resistance band', '弹力带'], ['Kettlebells', 'kettlebell', '壶铃'], ['Jump ropes', 'jump rope', '跳绳']] },
      { name: ['Cycling', '骑行'], leaves: [['Bikes', 'bike', '自行车'], ['Bike helmets', 'bike helmet', '骑行头盔'], ['Bike lights', 'bike light', '车灯'], ['Cycling gloves', 'cycling gloves', '骑行手套'], ['Bike locks', 'bike lock', '车锁']] },
      { name: ['Water sports', '水上运动'], leaves: [['Swimsuits', 'swimsuit', '泳衣'], ['Goggles', 'goggles', '泳镜'], ['Paddle boards', 'paddle board', '桨板'], ['Wetsuits', 'wetsuit', '潜水服'], ['Snorkel sets', 'snorkel set', '浮潜套装']] },
      { name: ['Team sports', '球类'], leaves: [['Footballs', 'football', '足球'], ['Basketballs', 'basketball', '篮球'], ['Badminton rackets', 'badminton racket', '羽毛球拍'], ['Table tennis bats', 'table tennis bat', '乒乓球拍'], ['Volleyballs', 'volleyball', '排球']] },
      { name: ['Hiking', '徒步'], leaves: [['Backpacks', 'backpack', '登山包'], ['Trekking poles', 'trekking pole', '登山杖'], ['Water bottles', 'water bottle', '水壶'], ['Hiking jackets', 'hiking jacket', '冲锋衣'], ['Compasses', 'compass', '指南针']] },
    ],
  },
  {
    name: ['Toys', '玩具'],
    medianPrice: 25,
    priceSigma: 0.7,
    colourShare: 0.5,
    adjectives: [['educational', '益智'], ['colourful', '彩色'], ['safe', '安全'], ['creative', '创意'], ['interactive', '互动'], ['mini', '迷你']],
    materials: [['wood', '木质'], ['plastic', '塑料'], ['plush', '毛绒'], ['cardboard', '纸质'], ['silicone', '硅胶']],
    categories: [
      { name: ['Building', '积木'], leaves: [['Building sets', 'building set', '积木套装'], ['Magnetic tiles', 'magnetic tiles', '磁力片'], ['Marble runs', 'marble run', '轨道积木'], ['Wooden blocks', 'wooden blocks', '木质积木'], ['Model kits', 'model kit', '拼装模型']] },
      { name: ['Dolls', '娃娃'], leaves: [['Fashion dolls', 'fashion doll', '时尚娃娃'], ['Baby dolls', 'baby doll', '婴儿娃娃'], ['Dollhouses', 'dollhouse', '娃娃屋'], ['Plush toys', 'plush toy', '毛绒玩具'], ['Action figures', 'action figure', '手办']] },
      { name: ['Games', '桌游'], leaves: [['Board games', 'board game', '桌游'], ['Puzzles', 'puzzle', '拼图'], ['Card games', 'card game', '卡牌游戏'], ['Chess sets', 'chess set', '国际象棋'], ['Dice games', 'dice game', '骰子游戏']] },
      { name: ['Outdoor toys', '户外玩具'], leaves: [['Scooters', 'scooter', '滑板车'], ['Kites', 'kite', '风筝'], ['Water guns', 'water gun', '水枪'], ['Trampolines', 'trampoline', '蹦床'], ['Sandbox toys', 'sandbox toy', '沙滩玩具']] },
      { name: ['Educational', '益智玩具'], leaves: [['Science kits', 'science kit', '科学实验套装'], ['Coding robots', 'coding robot', '编程机器人'], ['Globes', 'globe', '地球仪'], ['Musical toys', 'musical toy', '音乐玩具'], ['Flash cards', 'flash cards', '识字卡片']] },
      { name: ['Baby', '婴幼儿'], leaves: [['Rattles', 'rattle', '摇铃'], ['Teethers', 'teether', '牙胶'], ['Play mats', 'play mat', '爬行垫'], ['Stacking toys', 'stacking toy', '叠叠乐'], ['Bath toys', 'bath toy', '洗澡玩具']] },
    ],
  },
  {
    name: ['Food', '食品'],
    medianPrice: 12,
    priceSigma: 0.6,
    colourShare: 0,
    adjectives: [['organic', '有机'], ['sugar-free', '无糖'], ['imported', '进口'], ['gluten-free', '无麸质'], ['premium', '精选'], ['family-size', '家庭装']],
    materials: [['vanilla', '香草'], ['matcha', '抹茶'], ['dark chocolate', '黑巧克力'], ['strawberry', '草莓'], ['sea salt', '海盐'], ['ginger', '生姜']],
    categories: [
      { name: ['Coffee & tea', '咖啡茶饮'], leaves: [['Coffee beans', 'coffee beans', '咖啡豆'], ['Green tea', 'green tea', '绿茶'], ['Black tea', 'black tea', '红茶'], ['Instant coffee', 'instant coffee', '速溶咖啡'], ['Herbal tea', 'herbal tea', '花草茶']] },
      { name: ['Snacks', '零食'], leaves: [['Chocolate', 'chocolate', '巧克力'], ['Nuts', 'nuts', '坚果'], ['Crisps', 'crisps', '薯片'], ['Biscuits', 'biscuits', '饼干'], ['Dried fruit', 'dried fruit', '果干']] },
      { name: ['Pantry', '粮油调味'], leaves: [['Olive oil', 'olive oil', '橄榄油'], ['Rice', 'rice', '大米'], ['Pasta', 'pasta', '意大利面'], ['Soy sauce', 'soy sauce', '酱油'], ['Spices', 'spice mix', '香料']] },
      { name: ['Drinks', '饮料'], leaves: [['Sparkling water', 'sparkling water', '气泡水'], ['Juices', 'juice', '果汁'], ['Energy drinks', 'energy drink', '功能饮料'], ['Plant milk', 'plant milk', '植物奶'], ['Kombucha', 'kombucha', '康普茶']] },
      { name: ['Health food', '健康食品'], leaves: [['Protein powder', 'protein powder', '蛋白粉'], ['Vitamins', 'vitamins', '维生素'], ['Granola', 'granola', '燕麦片'], ['Honey', 'honey', '蜂蜜'], ['Meal replacements', 'meal replacement', '代餐粉']] },
      { name: ['Baby food', '婴儿食品'], leaves: [['Infant formula', 'infant formula', '婴儿奶粉'], ['Baby cereal', 'baby cereal', '米粉'], ['Fruit purees', 'fruit puree', '果泥'], ['Teething biscuits', 'teething biscuits', '磨牙饼干'], ['Baby snacks', 'baby snacks', '宝宝零食']] },
    ],
  },
];

/** Syllables for made-up brand names: nothing that names a real company. */
export const BRAND_SYLLABLES = {
  en: {
    heads: [
      'Nor',
      'Vel',
      'Alt',
      'Zen',
      'Kai',
      'Lum',
      'Ori',
      'Sol',
      'Tre',
      'Mar',
      'Cor',
      'Bel',
      'Fen',
      'Hal',
      'Ivo',
      'Jun',
      'Kor',
      'Lin',
      'Mo',
      'Nu',
      'Pax',
      'Qui',
      'Rho',
      'Sev',
      'Tav',
      'Ul',
      'Vex',
      'Wyn',
      'Yar',
      'Zol',
    ],
    tails: [
      'vik',
      'ora',
      'tura',
      'en',
      'ix',
      'ano',
      'ette',
      'mont',
      'ery',
      'us',
      'ia',
      'do',
      'ark',
      'field',
      'wood',
      'lux',
    ],
  },
  zh: {
    heads: ['悦', '森', '云', '青', '锦', '禾', '优', '乐', '星', '朗', '汇', '美', '初', '暖'],
    tails: ['途', '屿', '麦', '川', '品', '家', '尚', '格', '源', '织', '木', '颜'],
  },
} as const;

/** Description sentences; `{noun}`, `{material}`, `{adjective}`, `{brand}` are filled in. */
export const DESCRIPTION_TEMPLATES: {
  readonly en: readonly string[];
  readonly zh: readonly string[];
} = {
  en: [
    '{adjective} {noun} by {brand}, with {material}.',
    '{brand} designed this {noun} for everyday use: {adjective}, with {material}.',
    'Our best-selling {noun}: {adjective}, with {material}, from {brand}.',
    'The {adjective} {noun} you will reach for again and again.',
  ],
  zh: [
    '{brand}{noun}，{material}材质，{adjective}设计，适合日常使用。',
    '这款{adjective}{noun}采用{material}，{brand}出品，品质保证。',
    '热销{noun}，{adjective}，{material}，送礼自用皆宜。',
  ],
};

/** Queries that name no item feature: people type them too, and get broad results. */
export const GENERIC_QUERIES: readonly Bilingual[] = [
  ['gift ideas', '礼物'],
  ['sale', '特价'],
  ['new arrivals', '新品'],
  ['best sellers', '热销'],
];

import type { LeafCategory, RootCategory } from './category-tree';
import type { SeededRandom } from './random';
import { COLOURS, DESCRIPTION_TEMPLATES } from './vocabulary';

/**
 * Titles and descriptions from an item's features, in English, Chinese or
 * both, the way marketplace listings read: "Norvik Lightweight Black Mesh
 * Trail Running Shoe", "悦途 红色 网面 越野跑鞋", or the two together.
 */

export type TitleLanguage = 'en' | 'zh' | 'both';

export interface ItemTextFeatures {
  readonly root: RootCategory;
  readonly leaf: LeafCategory;
  readonly brand: string;
  /** Index into COLOURS, or -1 for items that have none worth naming. */
  readonly colour: number;
  /** Indices into the department's materials and adjectives (always set: descriptions use them). */
  readonly material: number;
  readonly adjective: number;
  /** Which of them the title names (descriptions always name them). */
  readonly titleHas: { readonly material: boolean; readonly adjective: boolean };
  /** A model suffix such as "Pro", or '' */
  readonly model: string;
  readonly language: TitleLanguage;
}

export const MODEL_SUFFIXES = ['Pro', 'Lite', 'Plus', 'II', 'X', 'Air'] as const;

export function renderTitle(f: ItemTextFeatures, random: SeededRandom): string {
  const en = englishTitle(f);
  if (f.language === 'en') return en;
  // Chinese listings often space their parts ('红色 跑步鞋'), often not ('红色跑步鞋').
  const spaced = random.chance(0.5);
  if (f.language === 'zh') return [f.brand, chineseTitle(f, spaced)].filter(Boolean).join(' ');
  return `${en} ${chineseTitle(f, spaced)}`;
}

export function renderDescription(f: ItemTextFeatures, random: SeededRandom): string {
  const fill = (template: string, lang: 0 | 1) =>
    template
      .replace('{noun}', f.leaf.noun[lang])
      .replace('{material}', f.root.words.materials[f.material]![lang])
      .replace('{adjective}', f.root.words.adjectives[f.adjective]![lang])
      .replace('{brand}', f.brand || (lang === 0 ? 'our workshop' : '本店'));
  const en = capitalise(fill(random.pick(DESCRIPTION_TEMPLATES.en), 0));
  const zh = fill(random.pick(DESCRIPTION_TEMPLATES.zh), 1);
  if (f.language === 'en') return en;
  if (f.language === 'zh') return zh;
  return `${en}\n${zh}`;
}

function englishTitle(f: ItemTextFeatures): string {
  const words = [
    f.brand,
    f.titleHas.adjective ? titleCase(f.root.words.adjectives[f.adjective]![0]) : '',
    f.colour >= 0 ? titleCase(COLOURS[f.colour]![0]) : '',
    f.titleHas.material ? titleCase(f.root.words.materials[f.material]![0]) : '',
    titleCase(f.leaf.noun[0]),
    f.model,
  ];
  return words.filter(Boolean).join(' ');
}

function chineseTitle(f: ItemTextFeatures, spaced: boolean): string {
  const words = [
    f.colour >= 0 ? COLOURS[f.colour]![1] : '',
    f.titleHas.material ? f.root.words.materials[f.material]![1] : '',
    f.titleHas.adjective ? f.root.words.adjectives[f.adjective]![1] : '',
    f.leaf.noun[1],
    f.model,
  ];
  return words.filter(Boolean).join(spaced ? ' ' : '');
}

/** Capitalises each word but leaves acronyms (LED, USB, VR) and words with capitals alone. */
function titleCase(text: string): string {
  return text
    .split(' ')
    .map((word) => (word === word.toLowerCase() ? capitalise(word) : word))
    .join(' ');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

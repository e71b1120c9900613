export * from './tokenizer';
export * from './document-key';

export * from './broker/index.js';

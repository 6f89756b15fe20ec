export * from './broker/index.js';
export * from './namesrv/index.js';
export * from './broker-registration/index.js';
export * from './standalone.js';

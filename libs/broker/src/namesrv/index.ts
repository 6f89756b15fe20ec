export * from './name-server.js';
export * from './name-server-options.js';
export * from './route-info-manager.js';
export * from './kv-config-manager.js';
export * from './namesrv-settings.js';

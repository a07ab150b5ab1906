export { mountInspector } from './mountInspector';

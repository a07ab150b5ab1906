import './trustedTypes';
import './app/styles.css';
import { mountInspector } from './work/inspector';
import { WORK_NAME } from './app/work/names';

const root = document.getElementById('main');
if (root) void mountInspector(root, { name: WORK_NAME });

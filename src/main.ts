import './trustedTypes';
import './app/styles.css';
import { startApp } from './app/startApp';

void startApp().catch((error: unknown) => {
  const alert = document.getElementById('error');
  if (alert)
    alert.textContent = `Blur-O-Matic could not start: ${error instanceof Error ? error.message : String(error)}`;
});

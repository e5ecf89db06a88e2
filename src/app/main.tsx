import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initialiseFromUrl, prepareForFirstFile } from '../store/actions';
import { App } from './App';
import { openLaunchedFiles } from './launch-queue';
import './styles.css';

initialiseFromUrl();
openLaunchedFiles();
// Once the page has painted and is idle (Safari has no requestIdleCallback: a moment later).
if (typeof window.requestIdleCallback === 'function')
  window.requestIdleCallback(prepareForFirstFile, { timeout: 2000 });
else setTimeout(prepareForFirstFile, 300);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

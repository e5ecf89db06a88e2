import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initialiseFromUrl } from '../store/actions';
import { App } from './App';
import { openLaunchedFiles } from './launch-queue';
import './styles.css';

initialiseFromUrl();
openLaunchedFiles();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

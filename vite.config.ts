import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * The built site's Content-Security-Policy: nothing from other origins, no eval; WebAssembly
 * compilation is allowed ('wasm-unsafe-eval') for the SM4 kernel. Only in the build: Vite's dev
 * server injects inline scripts of its own. The service worker needs nothing more: it and its
 * registration script are same-origin files ('self'), and the manifest falls under default-src.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'ckpt-lens-csp',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(
        '<head>',
        `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      ),
  };
}

/**
 * Offline and installable: a generated service worker precaches the whole built site — pages,
 * scripts (the WASM kernels are embedded in them), styles, icons and the embedded sample — so a
 * second visit works with the network off. Nothing is cached at run time and nothing from
 * another origin. Installed in Chromium, the app opens .ckpt/.safetensors files (file_handlers;
 * src/app/launch-queue.ts receives them).
 */
const progressiveWebApp = VitePWA({
  registerType: 'autoUpdate',
  // A same-origin registerSW.js, not an inline script: the CSP allows no inline script.
  injectRegister: 'script-defer',
  // Served as application/json by any static host (many do not know .webmanifest).
  manifestFilename: 'manifest.json',
  // Every icon is in the precache through globPatterns already.
  includeManifestIcons: false,
  manifest: {
    name: 'Ckpt Lens',
    short_name: 'Ckpt Lens',
    description: 'Look inside MindSpore .ckpt and .safetensors checkpoints in your browser, nothing uploaded.',
    id: './',
    start_url: './',
    scope: './',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: '#1d3557',
    icons: [
      { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
    file_handlers: [
      {
        action: './',
        accept: { 'application/octet-stream': ['.ckpt', '.safetensors'] },
      },
    ],
  },
  workbox: {
    // manifest.json is added by the plugin itself.
    globPatterns: ['**/*.{html,js,css,svg,png,ckpt}'],
    // The main bundle carries the WASM kernels and the protobuf schemas.
    maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
    navigateFallback: 'index.html',
    cleanupOutdatedCaches: true,
    // Control the page on the first visit, and let a new deploy take over at once.
    clientsClaim: true,
    skipWaiting: true,
    runtimeCaching: [],
  },
});

export default defineConfig({
  // Relative asset URLs: the built site works from any folder or static host.
  base: './',
  plugins: [react(), contentSecurityPolicy(), progressiveWebApp],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 2048 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});

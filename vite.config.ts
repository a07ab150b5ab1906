import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { securityHeaders } from './security-headers.ts';

// One build id per build: the page shows it and the update tests tell builds apart by it.
const buildId = process.env.BUILD_ID ?? new Date().toISOString();

export default defineConfig(({ mode }) => ({
  define: {
    __E2E__: JSON.stringify(mode === 'e2e'),
    __BUILD_ID__: JSON.stringify(buildId),
  },
  build: {
    target: 'es2022',
    outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
    rollupOptions: {
      input: { main: 'index.html', inspector: 'inspector.html' },
    },
  },
  worker: { format: 'es' },
  server: { headers: securityHeaders },
  preview: { headers: securityHeaders, port: 4173, strictPort: false },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      injectRegister: null,
      manifestFilename: 'manifest.webmanifest',
      includeAssets: ['favicon.svg', 'icons/apple-touch-icon-180.png'],
      injectManifest: {
        rollupFormat: 'iife',
        globPatterns: ['**/*.{js,css,html,svg,png,jpg,webmanifest,wasm}'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      manifest: {
        id: '/',
        name: 'Blur-O-Matic',
        short_name: 'Blur-O-Matic',
        description:
          'Blur your photos in the background: pick a photo, choose how blurred, press Start. Works offline.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#1e3a5f',
        background_color: '#0f1720',
        categories: ['photo', 'utilities'],
        screenshots: [
          {
            src: '/screenshots/wide.jpg',
            sizes: '1280x800',
            type: 'image/jpeg',
            form_factor: 'wide',
            label: 'A photo blurred in the background, with the saved image listed',
          },
          {
            src: '/screenshots/narrow.jpg',
            sizes: '412x915',
            type: 'image/jpeg',
            form_factor: 'narrow',
            label: 'Blur-O-Matic on a phone',
          },
        ],
        share_target: {
          action: '/share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: 'images', accept: ['image/*'] }] },
        },
        file_handlers: [
          {
            action: '/',
            accept: {
              'image/jpeg': ['.jpg', '.jpeg'],
              'image/png': ['.png'],
              'image/webp': ['.webp'],
              'image/avif': ['.avif'],
              'image/gif': ['.gif'],
            },
          },
        ],
        launch_handler: { client_mode: 'focus-existing' },
        shortcuts: [
          {
            name: 'Saved images',
            short_name: 'Saved',
            url: '/#saved-heading',
            icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }],
          },
          {
            name: 'Work inspector',
            short_name: 'Inspector',
            url: '/inspector',
            icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }],
          },
        ],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: '/icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
}));

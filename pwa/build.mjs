// Builds the PWA into dist/ (ignored by git): the bundled app, the shell files, and the
// Swagger UI assets the API docs page loads from our own origin (never from a CDN).
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { generateSW } from 'workbox-build';

const DIST = 'dist';
const SHELL = ['index.html', 'manifest.webmanifest', 'icons', 'styles'];
const SWAGGER = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'];

await rm(DIST, { recursive: true, force: true });
await mkdir(`${DIST}/swagger-ui`, { recursive: true });
await build({
  entryPoints: ['app/main.js', 'app/decoder-worker.js', 'app/charts.js'],
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: true,
  target: 'es2022',
  outdir: `${DIST}/app`,
});
// The QR decoder's WebAssembly, served by us (the polyfill would fetch it from a CDN).
await mkdir(`${DIST}/zxing`, { recursive: true });
await cp('node_modules/zxing-wasm/dist/reader/zxing_reader.wasm', `${DIST}/zxing/zxing_reader.wasm`);
for (const item of SHELL) await cp(item, `${DIST}/${item}`, { recursive: true });
for (const file of SWAGGER) await cp(`node_modules/swagger-ui-dist/${file}`, `${DIST}/swagger-ui/${file}`);
await cp('swagger-init.js', `${DIST}/swagger-ui/init.js`);
// The service worker: the whole app precached, so it opens with no network after the first visit.
const { count, size } = await generateSW({
  globDirectory: DIST,
  globPatterns: ['**/*.{html,js,css,png,webmanifest,wasm}'],
  maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,  // the decoder's wasm
  globIgnores: ['swagger-ui/**', '**/*.map', 'sw.js'],
  swDest: `${DIST}/sw.js`,
  navigateFallback: '/index.html',
  navigateFallbackDenylist: [/^\/api\//],
  inlineWorkboxRuntime: true,
  sourcemap: false,
  mode: 'production',
});
console.log(`PWA built into pwa/${DIST} (${count} files, ${Math.round(size / 1024)} KiB precached)`);

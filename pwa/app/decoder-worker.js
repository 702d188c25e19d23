// Decodes QR codes off the main thread, so the screen never stutters: frames come in as
// ImageBitmaps, texts go out. The browser's own BarcodeDetector where it has one, else the
// ZXing WebAssembly polyfill, loaded from our own server (never a CDN).
import { BarcodeDetector as Polyfill, prepareZXingModule } from 'barcode-detector/ponyfill';

prepareZXingModule({
  overrides: { locateFile: (path, prefix) => (path.endsWith('.wasm') ? `/zxing/${path}` : prefix + path) },
});

let detector = null;

async function makeDetector() {
  const native = self.BarcodeDetector;
  if (native && (await native.getSupportedFormats()).includes('qr_code')) return new native({ formats: ['qr_code'] });
  return new Polyfill({ formats: ['qr_code'] });
}

self.onmessage = async ({ data }) => {
  detector ||= await makeDetector();
  let texts = [];
  try {
    texts = (await detector.detect(data.frame)).map((code) => code.rawValue);
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error) });
    return;
  } finally {
    data.frame.close?.();
  }
  self.postMessage({ id: data.id, texts });
};

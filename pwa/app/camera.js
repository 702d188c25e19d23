// The camera half of the scanner: the rear camera, a frame every ~150 ms to the decoding
// worker, the torch where the phone has one. Light-on-dark codes decode too (ZXing tries both).
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

import { t } from './i18n.js';

const html = htm.bind(h);
const FRAME_EVERY_MS = 150;
const SAME_CODE_QUIET_MS = 4000;  // a code out of view this long is read again when it comes back

export function Camera({ onCode }) {
  const video = useRef(null);
  const latest = useRef(onCode);
  latest.current = onCode;  // a code read later is recorded with the choices made meanwhile
  const [on, setOn] = useState(false);
  const [torch, setTorch] = useState(null);  // null: the phone has none
  const [problem, setProblem] = useState('');

  useEffect(() => {
    if (!on) return undefined;
    let stream = null;
    let timer = null;
    let busy = false;
    let last = { text: '', at: 0 };
    const worker = new Worker('/app/decoder-worker.js', { type: 'module' });
    worker.onmessage = ({ data }) => {
      busy = false;
      for (const text of data.texts || []) {
        const stillInView = text === last.text && Date.now() - last.at < SAME_CODE_QUIET_MS;
        last = { text, at: Date.now() };  // a card held in view is read once, however long it stays
        if (stillInView) continue;
        latest.current(text, data.id);  // the id is when the frame was taken (performance.now())
      }
    };
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, focusMode: 'continuous' }, audio: false,
        });
      } catch (error) {
        setProblem(t(`无法打开相机：${error.message}。请用扫码枪或手工输入。`, `No camera (${error.message}): use a scanner or type the code.`));
        setOn(false);
        return;
      }
      const [track] = stream.getVideoTracks();
      if (track.getCapabilities?.().torch) setTorch(false);
      video.current.srcObject = stream;
      await video.current.play();
      timer = setInterval(async () => {
        if (busy || document.hidden || video.current.readyState < 2) return;  // no decoding in a pocket
        busy = true;
        const takenAt = performance.now();
        const frame = await createImageBitmap(video.current);
        worker.postMessage({ id: takenAt, frame }, [frame]);
      }, FRAME_EVERY_MS);
    })();
    return () => {
      clearInterval(timer);
      worker.terminate();
      stream?.getTracks().forEach((t) => t.stop());
      setTorch(null);
    };
  }, [on]);

  /** No live camera (or a glare it cannot read): a photo of the card, decoded by the same worker. */
  async function fromPhoto(event) {
    const [file] = event.target.files;
    event.target.value = '';
    if (!file) return;
    const worker = new Worker('/app/decoder-worker.js', { type: 'module' });
    const takenAt = performance.now();
    const frame = await createImageBitmap(file);
    const texts = await new Promise((resolve) => {
      worker.onmessage = ({ data }) => resolve(data.texts || []);
      worker.postMessage({ id: takenAt, frame }, [frame]);
    });
    worker.terminate();
    if (texts.length) {
      setProblem('');
      latest.current(texts[0], takenAt);
    } else {
      setProblem(t('照片里没有找到二维码：请拍清楚些，或手工输入卡号。', 'No QR code in the photo: take a sharper one, or type the code.'));
    }
  }

  async function toggleTorch() {
    const [track] = video.current.srcObject.getVideoTracks();
    await track.applyConstraints({ advanced: [{ torch: !torch }] });
    setTorch(!torch);
  }

  return html`
    <div class="camera">
      <button type="button" class="button" id="camera" onClick=${() => setOn(!on)}>
        ${on ? t('关闭相机', 'Stop camera') : t('打开相机扫码', 'Scan with the camera')}</button>
      ${on && html`<video ref=${video} playsinline muted></video>`}
      ${on && torch !== null && html`<button type="button" class="link" onClick=${toggleTorch}>
        ${torch ? t('关闭手电', 'Torch off') : t('打开手电', 'Torch on')}</button>`}
      <label class="photo">${t('或拍照识别', 'Or read a photo')}<input type="file" name="photo" accept="image/*"
        capture="environment" onChange=${fromPhoto} /></label>
      ${problem && html`<p class="message" id="camera-problem">${problem}</p>`}
    </div>`;
}

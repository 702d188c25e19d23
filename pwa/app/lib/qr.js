// QR codes the phone draws itself (a temporary pass, an enrollment link, a workplace's day code),
// as SVG that scales to its box.
import qrcode from 'qrcode-generator';

/** `text` as an SVG QR code. `level`: error correction (Q for a sheet posted on a wall);
 * `alphanumeric`: for texts of capitals, digits and " $%*+-./:" only (a smaller code). */
export function qrSvg(text, { level = 'M', alphanumeric = false, cellSize = 6 } = {}) {
  const code = qrcode(0, level);
  code.addData(text, alphanumeric ? 'Alphanumeric' : 'Byte');
  code.make();
  return code.createSvgTag({ cellSize, margin: 4, scalable: true });
}

/** An SVG as the address an <img> shows. */
export const svgDataUrl = (svg) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

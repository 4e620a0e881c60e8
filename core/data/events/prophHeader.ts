/**
 * Prophesee `%` text header shared by EVT 2.0 / 3.0 `.raw` and `.dat` files, and the sensor size it
 * implies. Newer files state `% geometry WxH` or `% format EVT3;height=H;width=W`; older ones only
 * name the camera plugin, so the size comes from the sensor generation in its name.
 */
import { readTextHeader } from './textHeader';

export interface PropheseeHeader {
  lines: string[];
  end: number;
  /** "2.0" / "3.0" from `% evt X` or `% format EVTX`. */
  evt?: string;
  width?: number;
  height?: number;
  camera?: string;
}

export function readPropheseeHeader(bytes: Uint8Array): PropheseeHeader {
  const h = readTextHeader(bytes, 0x25, (l) => /^% end\s*$/.test(l));
  const out: PropheseeHeader = { lines: h.lines, end: h.end };
  for (const l of h.lines) {
    let m: RegExpExecArray | null;
    if ((m = /^% evt (\d\.\d)/.exec(l))) out.evt = m[1];
    if ((m = /^% format EVT(\d)(\d)?/i.exec(l))) out.evt = `${m[1]}.${m[2] ?? '0'}`;
    if ((m = /^% geometry (\d+)x(\d+)/.exec(l))) [out.width, out.height] = [Number(m[1]), Number(m[2])];
    if ((m = /width=(\d+)/.exec(l)) && l.startsWith('% format')) out.width = Number(m[1]);
    if ((m = /height=(\d+)/.exec(l)) && l.startsWith('% format')) out.height = Number(m[1]);
    if ((m = /^% Width (\d+)/i.exec(l))) out.width = Number(m[1]);
    if ((m = /^% Height (\d+)/i.exec(l))) out.height = Number(m[1]);
    if ((m = /^% plugin_name (\S+)/.exec(l))) out.camera = m[1];
  }
  if (out.width === undefined || out.height === undefined) {
    const c = (out.camera ?? '').toLowerCase();
    // Gen3 (VGA) 640x480; Gen4 / IMX636 (gen41, gen31 imx636 plugins) 1280x720; Gen1 ATIS 304x240.
    if (/gen4|imx636|gen31/.test(c)) [out.width, out.height] = [1280, 720];
    else if (/gen3/.test(c)) [out.width, out.height] = [640, 480];
  }
  return out;
}

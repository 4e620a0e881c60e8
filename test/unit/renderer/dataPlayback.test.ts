/** Playback arithmetic and colour mapping of the data view, without a DOM. */
import { describe, expect, it } from 'vitest';
import type { EventWindow } from '../../../core/api/contractData';
import { accumulate, advance, frameRange, lowerBound, spanLength, spanToFetch, toBuffer, type EventBuffer } from '../../../renderer/src/lib/eventPlayback';
import { autoSaturation, paintCounts, paletteFrom, parseColor, type Palette } from '../../../renderer/src/lib/eventPlaybackPaint';
import { parseRecent, remember, RECENT_MAX } from '../../../renderer/src/stores/useDataStore';

const win = (t: number[], extra: Partial<EventWindow> = {}): EventWindow => ({
  path: '/x.bin',
  width: 4,
  height: 3,
  recordingDurationUs: t.length ? t[t.length - 1] : 0,
  startUs: 0,
  durationUs: 1e9,
  x: t.map((_, i) => i % 4),
  y: t.map((_, i) => i % 3),
  t,
  p: t.map((_, i) => i & 1),
  totalInWindow: t.length,
  truncated: false,
  ...extra,
});

describe('window selection', () => {
  const t = Float64Array.of(0, 10, 10, 20, 30, 40);
  it('lowerBound finds the first t >= time', () => {
    expect([lowerBound(t, -1), lowerBound(t, 0), lowerBound(t, 10), lowerBound(t, 11), lowerBound(t, 40), lowerBound(t, 41)]).toEqual([0, 0, 1, 3, 5, 6]);
  });
  it('a frame shows events in (at - window, at]', () => {
    expect(frameRange(t, 20, 10)).toEqual([3, 4]); // (10, 20]: only t = 20
    expect(frameRange(t, 20, 11)).toEqual([1, 4]); // (9, 20]: 10, 10, 20
    expect(frameRange(t, 0, 5)).toEqual([0, 1]);
    expect(frameRange(t, 100, 5)).toEqual([6, 6]);
  });
  it('the playhead advances at speed and stops or wraps at the end', () => {
    expect(advance(0, 16, 1, 1e6, false)).toEqual({ atUs: 16_000, ended: false });
    expect(advance(0, 16, 0.25, 1e6, false)).toEqual({ atUs: 4_000, ended: false });
    expect(advance(990_000, 16, 1, 1e6, false)).toEqual({ atUs: 1e6, ended: true });
    expect(advance(990_000, 16, 1, 1e6, true)).toEqual({ atUs: 6_000, ended: false });
    expect(advance(5, -3, 1, 1e6, false).atUs).toBe(5);
  });
  it('fetches a span only when the buffer cannot serve the frame', () => {
    const whole: EventBuffer = toBuffer(win([0, 500_000]));
    expect(spanToFetch(whole, 250_000, 20_000, 1e6)).toBeNull();
    expect(spanToFetch(null, 250_000, 20_000, 1e6)).toEqual({ startUs: 230_000, durationUs: 1e6 });
    // A thinned overview of a long recording is replaced by a span at the playhead.
    const overview = toBuffer(win([0, 60e6], { truncated: true }));
    expect(spanToFetch(overview, 5e6, 20_000, 1e6)).toEqual({ startUs: 4_980_000, durationUs: 1e6 });
    // A thinned span no longer than one fetch serves frames inside it, and is renewed near its end.
    const span = toBuffer(win([5e6, 5.5e6], { startUs: 5e6, durationUs: 1e6, recordingDurationUs: 60e6, truncated: true }));
    expect(spanToFetch(span, 5.5e6, 20_000, 1e6)).toBeNull();
    expect(spanToFetch(span, 5.8e6, 20_000, 1e6)).toEqual({ startUs: 5_780_000, durationUs: 1e6 });
    expect(spanToFetch(span, 4.9e6, 20_000, 1e6)).not.toBeNull();
    // A window wider than a span asks for twice the window, and then accepts it.
    const wide = toBuffer(win([0], { startUs: 0, durationUs: 400_000, recordingDurationUs: 60e6, truncated: true }));
    expect(spanToFetch(wide, 250_000, 200_000, 100_000)).toBeNull();
  });
  it('sizes spans to arrive unthinned at the density seen, within playback needs', () => {
    expect(spanLength(0, 20_000, 1, 300_000)).toBe(4_000_000);
    expect(spanLength(0, 20_000, 0.01, 300_000)).toBe(200_000);
    expect(spanLength(5, 20_000, 1, 300_000)).toBe(48_000); // 240 k events at 5 per µs
    expect(spanLength(50, 20_000, 1, 300_000)).toBe(40_000); // two windows, even if thinned
    const w = toBuffer(win([0, 100], { startUs: 0, durationUs: 1e12, recordingDurationUs: 99_999, totalInWindow: 500_000, truncated: true }));
    expect(w.eventsPerUs).toBe(5);
  });

  it('accumulates counts into OFF then ON planes', () => {
    const b = toBuffer(win([0, 1, 2, 3, 4, 5, 6, 7]));
    const counts = accumulate(b, 0, 8, new Uint16Array(2 * 12).fill(9));
    // events i: x = i % 4, y = i % 3, p = i & 1
    const expected = new Uint16Array(24);
    for (let i = 0; i < 8; i++) expected[(i & 1) * 12 + (i % 3) * 4 + (i % 4)]++;
    expect(Array.from(counts)).toEqual(Array.from(expected));
    expect(Array.from(accumulate(b, 2, 2, counts))).toEqual(new Array(24).fill(0));
  });
});

describe('colour mapping', () => {
  const pal: Palette = { background: [10, 20, 30], on: [110, 220, 30], off: [210, 20, 130] };
  it('parses theme colours', () => {
    expect(parseColor('#34c59b')).toEqual([0x34, 0xc5, 0x9b]);
    expect(parseColor(' #fff ')).toEqual([255, 255, 255]);
    expect(parseColor('rgb(1, 2, 3)')).toEqual([1, 2, 3]);
    expect(parseColor('rgba(4 5 6 / 0.5)')).toEqual([4, 5, 6]);
    expect(parseColor('teal')).toBeNull();
    const vars: Record<string, string> = { '--raster-bg': '#000000', '--series-3': '#00ff00', '--danger': 'oops' };
    expect(paletteFrom((n) => vars[n] ?? '')).toEqual({ background: [0, 0, 0], on: [0, 255, 0], off: [240, 97, 109] });
  });
  it('blends ON and OFF over the background in proportion to the count, saturating', () => {
    // 4 pixels: none, ON x1, OFF x2, both (ON x4, OFF x4); saturation 2
    const counts = [0, 0, 2, 4, /* ON */ 0, 1, 0, 4];
    const rgba = new Uint8ClampedArray(16);
    paintCounts(counts, 0, 2, 2, rgba, pal, 2);
    expect(Array.from(rgba.subarray(0, 4))).toEqual([10, 20, 30, 255]);
    expect(Array.from(rgba.subarray(4, 8))).toEqual([60, 120, 30, 255]); // half-way to ON
    expect(Array.from(rgba.subarray(8, 12))).toEqual([210, 20, 130, 255]); // full OFF
    expect(Array.from(rgba.subarray(12, 16))).toEqual([255, 220, 130, 255]); // both, clamped
  });
  it('paints from an offset (one frame of a preview)', () => {
    const counts = [9, 9, 9, 9, 0, 0, 0, 1];
    const rgba = new Uint8ClampedArray(4);
    paintCounts(counts, 4, 1, 2 / 2, rgba, pal, 1);
    expect(Array.from(rgba)).toEqual([10, 20, 30, 255]);
  });
  it('auto saturation is the 98th percentile of non-zero counts', () => {
    expect(autoSaturation([0, 0, 0], 0, 3)).toBe(1);
    const counts = [...new Array(98).fill(1), 50, 300];
    expect(autoSaturation(counts, 0, counts.length)).toBe(1);
    const many = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(autoSaturation(many, 0, 100)).toBe(98);
  });
});

describe('recent paths', () => {
  it('keeps the most recent first, without duplicates, bounded', () => {
    let r: string[] = [];
    for (let i = 0; i < 15; i++) r = remember(r, `/p${i}`);
    expect(r).toHaveLength(RECENT_MAX);
    expect(r[0]).toBe('/p14');
    r = remember(r, '/p10');
    expect(r.slice(0, 2)).toEqual(['/p10', '/p14']);
    expect(r.filter((p) => p === '/p10')).toHaveLength(1);
  });
  it('reads only strings back from storage', () => {
    expect(parseRecent(['/a', 3, '', null, '/b'])).toEqual(['/a', '/b']);
    expect(parseRecent('nope')).toEqual([]);
  });
});

import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import { packRgba } from '../lib/rasterGeometry';
import { useAppStore } from '../stores/useAppStore';

/** The canvas's reusable bitmap, cleared to the background colour, and a Uint32 view of its pixels. */
export interface Bitmap {
  image: ImageData;
  pixels: Uint32Array;
}

/**
 * A canvas painted through one ImageData: its bitmap follows the wrapper's size in device pixels,
 * and `request` (a per-frame redraw) is called when that size or the theme changes. The ImageData
 * is reused across frames; allocating one per frame would churn megabytes at 60 Hz.
 */
export function useCanvas(wrap: Ref<HTMLElement | null>, canvas: Ref<HTMLCanvasElement | null>, request: () => void): { bitmap: (ctx: CanvasRenderingContext2D, bg: [number, number, number]) => Bitmap } {
  const app = useAppStore();
  let image: ImageData | null = null;
  let observer: ResizeObserver | null = null;

  function resize(): void {
    const cv = canvas.value;
    const w = wrap.value;
    if (!cv || !w) return;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(w.clientWidth * dpr));
    const height = Math.max(1, Math.round(w.clientHeight * dpr));
    if (cv.width !== width || cv.height !== height) {
      cv.width = width;
      cv.height = height;
    }
    request();
  }

  function bitmap(ctx: CanvasRenderingContext2D, bg: [number, number, number]): Bitmap {
    const { width, height } = ctx.canvas;
    if (!image || image.width !== width || image.height !== height) image = ctx.createImageData(width, height);
    const pixels = new Uint32Array(image.data.buffer);
    pixels.fill(packRgba(bg[0], bg[1], bg[2]));
    return { image, pixels };
  }

  onMounted(() => {
    observer = new ResizeObserver(resize);
    if (wrap.value) observer.observe(wrap.value);
    resize();
  });
  onBeforeUnmount(() => observer?.disconnect());
  // The theme attribute changes before the CSS variables apply: read them on the following frame.
  watch(
    () => app.theme,
    () => requestAnimationFrame(() => request()),
  );
  return { bitmap };
}

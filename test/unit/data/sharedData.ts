/**
 * Where the real sample files live (../shared/data beside the repository; never copied into it) and
 * the expected contents an independent parser found (../shared/data/PROVENANCE.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..', '..');
export const SHARED_DATA = resolve(repoRoot, '../shared/data');
export const HAS_SHARED_DATA = existsSync(join(SHARED_DATA, 'PROVENANCE.md'));

if (!HAS_SHARED_DATA) {
  console.warn(`[data tests] SKIPPING sample-file tests: ${SHARED_DATA} is absent (CI provides it; see PROVENANCE.md)`);
}

export function sharedPath(rel: string): string {
  return join(SHARED_DATA, rel);
}

export function sharedBytes(rel: string): Uint8Array {
  const b = readFileSync(sharedPath(rel));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export interface Expected {
  file: string;
  format: string;
  width: number;
  height: number;
  events: number;
  x: [number, number];
  y: [number, number];
  t: [number, number];
  /** Raw polarity bit counts: [p1, p0]. */
  p: [number, number];
}

/** The PROVENANCE.md table, transcribed. */
export const EXPECTED: Expected[] = [
  { file: 'nmnist-bin/tonic/sample_nmnist.bin', format: 'atis-bin', width: 34, height: 34, events: 4325, x: [0, 33], y: [0, 33], t: [654, 311175], p: [2145, 2180] },
  { file: 'ncaltech101-bin/shiba24-event-vision-library/faces_easy_0001.bin', format: 'atis-bin', width: 304, height: 240, events: 67445, x: [0, 150], y: [0, 172], t: [6, 299364], p: [33770, 33675] },
  { file: 'aedat2/dvs128/alex_walking_again.aedat', format: 'aedat2', width: 128, height: 128, events: 19182, x: [0, 127], y: [0, 127], t: [41306606, 48193156], p: [12080, 7102] },
  { file: 'aedat2/davis240c/IMU_translBoxes.aedat', format: 'aedat2', width: 240, height: 180, events: 162771, x: [0, 239], y: [0, 179], t: [294976755, 297049406], p: [82944, 79827] },
  { file: 'aedat2/header-only/sample_aedat_header.aedat', format: 'aedat2', width: 346, height: 260, events: 0, x: [0, 0], y: [0, 0], t: [0, 0], p: [0, 0] },
  { file: 'aedat4/tonic/sample.aedat4', format: 'aedat4', width: 320, height: 240, events: 111954, x: [0, 319], y: [0, 239], t: [1605537493718345, 1605537494308262], p: [55023, 56931] },
  { file: 'aedat4/shiba24-event-vision-library/sample.aedat4', format: 'aedat4', width: 346, height: 260, events: 6676, x: [14, 334], y: [8, 245], t: [1589163147368868, 1589163147538809], p: [3563, 3113] },
  { file: 'aedat4/redpob-dvs128-testing/dvSave-2024_06_13_16_16_25.aedat4', format: 'aedat4', width: 128, height: 128, events: 18342, x: [0, 127], y: [0, 127], t: [1718320899149165, 1718320904608663], p: [8297, 10045] },
  { file: 'aedat4/redpob-dvs128-testing/dvSave-2024_06_13_16_19_42.aedat4', format: 'aedat4', width: 128, height: 128, events: 20339, x: [0, 127], y: [0, 127], t: [1718320937796767, 1718320943246623], p: [9213, 11126] },
  { file: 'prophesee-evt2/sparklers.raw', format: 'evt2', width: 640, height: 480, events: 521252, x: [0, 639], y: [0, 479], t: [913716224, 913812095], p: [185861, 335391] },
  { file: 'prophesee-evt3/evt3_test_pedestrians.raw', format: 'evt3', width: 1280, height: 720, events: 5000, x: [11, 1279], y: [22, 698], t: [5840504, 5885714], p: [2894, 2106] },
  { file: 'prophesee-dat/tonic/sample_ncars.dat', format: 'prophesee-dat', width: 304, height: 240, events: 2009, x: [0, 77], y: [0, 41], t: [0, 99952], p: [1350, 659] },
];

export const NMNIST_SMALL = 'nmnist-bin/slayer-NMNISTsmall';

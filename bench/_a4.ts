import { readFileSync } from 'node:fs';
import { parseEventBytes } from '../core/data/events/detect';
for (const f of ['aedat4/tonic/sample.aedat4','aedat4/redpob-dvs128-testing/dvSave-2024_06_13_16_19_42.aedat4','aedat2/dvs128/alex_walking_again.aedat','aedat2/davis240c/IMU_translBoxes.aedat','prophesee-evt2/sparklers.raw','prophesee-evt3/evt3_test_pedestrians.raw','prophesee-dat/tonic/sample_ncars.dat']) {
  const b = new Uint8Array(readFileSync('/work/shared/data/' + f));
  let n = 0; for (let i = 0; i < 5; i++) n = parseEventBytes(b, f).t.length;
  const t0 = performance.now(); let k = 0; while (performance.now() - t0 < 500) { parseEventBytes(b, f); k++; }
  const ms = (performance.now() - t0) / k; console.log(f, n, ms.toFixed(2) + 'ms', (n / ms / 1000).toFixed(1) + ' Mev/s');
}

import { loadMnist } from '../core/data/mnist';
import { runDiehlCook } from '../core/plasticity/diehlCookExperiment';
async function main() {
  const n = Number(process.argv[2] ?? 1000), nt = Number(process.argv[3] ?? 500), N = Number(process.argv[4] ?? 100);
  const tr = await loadMnist('train', { limit: n }); const te = await loadMnist('test', { limit: nt });
  const f = (d: typeof tr) => ({ images: d.images, labels: d.labels, count: d.count, features: 784 });
  const r = runDiehlCook(f(tr), f(te), { epochs: 1, seed: 1, params: { nExc: N }, onSample: (e, s) => { if (s % 500 === 0) console.error(e, s, new Date().toISOString()); } });
  console.log(JSON.stringify({ n, nt, N, acc: r.accuracy, train: r.trainSeconds, ev: r.evalSeconds, perSample: r.trainSeconds / n }));
}
main();

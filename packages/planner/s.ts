import highsLoader from "highs";
const t0 = performance.now();
const highs = await highsLoader();
console.log("load ms", performance.now() - t0);
const n = 240;
const cost = Array.from({length:n}, (_, j) => 1 + (j * 7919 % 97) / 10);
const rate = Array.from({length:n}, (_, j) => 0.5 + (j * 104729 % 89) / 20);
// rows: coverage sum rate x >= 500 ; 20 pool rows each with 12 vars: sum tp x <= 16
const starts=[0]; const idx:number[]=[]; const val:number[]=[];
const rowLower:number[]=[]; const rowUpper:number[]=[];
const rows: Array<Array<[number, number]>> = [];
rows.push(rate.map((r,j)=>[j,r])); rowLower.push(500); rowUpper.push(Infinity);
for (let p=0;p<20;p++){ rows.push(Array.from({length:12},(_,k)=>[p*12+k, [1,2,4,8][k%4]!])); rowLower.push(-Infinity); rowUpper.push(16); }
for (const r of rows){ for (const [j,v] of r){ idx.push(j); val.push(v);} starts.push(idx.length); }
for (let it=0; it<5; it++){
const t1 = performance.now();
const model = highs.createModel({ numCols: n, numRows: rows.length, colCost: cost, colLower: Array(n).fill(0), colUpper: Array(n).fill(16),
  rowLower: rowLower.map(v=>v===-Infinity?-highs.infinity:v), rowUpper: rowUpper.map(v=>v===Infinity?highs.infinity:v),
  matrix: { format: "csr", numRows: rows.length, numCols: n, starts, indices: idx, values: val }, integrality: Array(n).fill(1) });
model.options.set({ output_flag: false, mip_rel_gap: 1e-6 });
const t2=performance.now(); model.run(); console.log("first run", (performance.now()-t2).toFixed(2));
const st = model.getModelStatus(); const obj = model.getObjectiveValue();
for (let k=0;k<3;k++){ model.changeColCost(k, 0.5); const t3=performance.now(); model.run(); console.log(" rerun", (performance.now()-t3).toFixed(2)); }
model.dispose();
console.log("solve ms", (performance.now() - t1).toFixed(2), st, obj);
}

// Preloaded into bench contenders (`--require`): on SIGUSR2, writes V8's heap figures to .bench/heap-<pid>.json,
// so the harness can split RSS into the V8 heap's spaces and the rest. CommonJS and plain JavaScript: it must
// load into every contender, the floors and the exporters, the same way and at the least cost.
const { getHeapSpaceStatistics, getHeapStatistics } = require('node:v8');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

process.on('SIGUSR2', () => {
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((space) => [space.space_name, { used: space.space_used_size, physical: space.physical_space_size }]),
  );
  writeFileSync(
    join(__dirname, '..', '.bench', `heap-${process.pid}.json`),
    JSON.stringify({ spaces, peakMalloced: getHeapStatistics().peak_malloced_memory }),
  );
});

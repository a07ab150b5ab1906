// Chromium's machine code for the blur kernel, to read what its loops cost
// (`node tests/bench/blur/asm.mjs [out dir] [kernel.wasm]`; default: the committed relaxed-SIMD
// build). Chromium's release build ignores --print-wasm-code, but with --perf-prof its V8 writes a
// perf jitdump file holding each TurboFan function's machine code: this runs the kernel in headless
// Chromium with that flag, takes the code out of the dump and disassembles it with binutils'
// objdump into `<out dir>/f<index>.s`. It prints each function's index (with its export name),
// size, and counts that showed waste before: stack spills and constants rebuilt from memory
// (`mov r10, [rip+…]`, `movabs r10, …`), which cost most inside a loop. Not a timing run.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../scripts/chromium.mjs';
import { root } from './benchPage.mjs';

const out = process.argv[2] ?? join(tmpdir(), 'blur-asm');
const bytes = process.argv[3]
  ? await readFile(process.argv[3])
  : Buffer.from(
      (await readFile(join(root, 'src/blur/wasm/gaussianWasm.ts'), 'utf8')).match(
        /gaussianWasmRelaxed =\s*'([^']+)'/,
      )[1],
      'base64',
    );

// A page that runs every pass a few hundred times on a small image (coefficients of a stable
// filter: the values do not change the code).
const page = `<!doctype html><script>
const bin = Uint8Array.from(atob('${bytes.toString('base64')}'), (c) => c.charCodeAt(0));
const memory = new WebAssembly.Memory({ initial: 900 });
const k = new WebAssembly.Instance(new WebAssembly.Module(bin), { env: { memory } }).exports;
const [W, H, coef, scratch, pix] = [400, 300, 4096, 8192, 1 << 20];
new Float32Array(memory.buffer, coef, 13).set([0.1, 0.5, 0.2, 0.1, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
for (let i = 0; i < 200; i++) {
  k.blurRows(pix, W, 0, H, scratch, coef);
  k.blurColumns(pix, W, H, 0, W, scratch, coef);
  k.blurPlaneRows(pix, W, W, 0, H, scratch, coef);
  k.blurPlaneColumns(pix, W, H, 0, W / 4, scratch, coef);
}
</script>`;

const work = await mkdtemp(join(tmpdir(), 'blur-asm-'));
try {
  await writeFile(join(work, 'page.html'), page);
  try {
    execFileSync(
      CHROMIUM,
      [
        ...CHROMIUM_ARGS,
        '--headless',
        '--js-flags=--no-liftoff --no-wasm-lazy-compilation --perf-prof --no-perf-prof-unwinding-info',
        '--virtual-time-budget=10000',
        '--dump-dom',
        `file://${join(work, 'page.html')}`,
      ],
      { cwd: work, stdio: 'ignore', timeout: 120_000 },
    );
  } catch (e) {
    console.error(`chromium: ${e.message}`); // the dump may still be there
  }
  const code = new Map();
  for (const name of await readdir(work)) {
    if (/^jit-\d+\.dump$/.test(name)) {
      for (const [index, body] of jitdumpWasm(await readFile(join(work, name)))) {
        code.set(index, body);
      }
    }
  }
  if (code.size === 0) throw new Error('no wasm code in the jitdump files');
  await mkdir(out, { recursive: true });
  const names = exportNames(bytes);
  for (const [index, body] of [...code].sort((a, b) => a[0] - b[0])) {
    await writeFile(join(work, 'f.bin'), body);
    const asm = execFileSync(
      'objdump',
      [
        '-D',
        '-b',
        'binary',
        '-mi386:x86-64',
        '-M',
        'intel',
        '--no-show-raw-insn',
        join(work, 'f.bin'),
      ],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    await writeFile(join(out, `f${index}.s`), asm);
    const count = (re) => asm.split('\n').filter((l) => re.test(l)).length;
    console.log(
      `f${index}${names.has(index) ? ` (${names.get(index)})` : ''}: ${body.length} bytes,` +
        ` ${count(/^\s+[0-9a-f]+:\t/)} instructions, ${count(/v?mov\w*\s+\S+,XMMWORD PTR \[rbp-/)}` +
        ` vector reloads from the stack, ${count(/mov\s+r10,QWORD PTR \[rip|movabs r10,/)} constants from memory`,
    );
  }
  console.log(`disassembly in ${out}/f<index>.s (indices as in \`asc … -t kernel.wat\`)`);
} finally {
  await rm(work, { recursive: true, force: true });
}

/** TurboFan wasm functions in a perf jitdump file (JIT_CODE_LOAD records): index → code. */
function jitdumpWasm(data) {
  const found = [];
  let at = data.readUInt32LE(8); // header size
  while (at + 16 <= data.length) {
    const id = data.readUInt32LE(at);
    const size = data.readUInt32LE(at + 4);
    if (size === 0) break;
    if (id === 0) {
      const codeSize = Number(data.readBigUInt64LE(at + 16 + 24));
      const nameStart = at + 16 + 40;
      const nameEnd = data.indexOf(0, nameStart);
      const name = data.toString('utf8', nameStart, nameEnd);
      const match = /wasm-function\[(\d+)\].*turbofan/.exec(name);
      if (match) found.push([Number(match[1]), data.subarray(nameEnd + 1, nameEnd + 1 + codeSize)]);
    }
    at += size;
  }
  return found;
}

/** Function index → export name, from the module's export section. */
function exportNames(module) {
  const names = new Map();
  let at = 8;
  const leb = () => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = module[at++];
      n |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return n >>> 0;
    }
  };
  while (at < module.length) {
    const id = module[at++];
    const size = leb();
    const end = at + size;
    if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const length = leb();
        const name = module.toString('utf8', at, at + length);
        at += length;
        const kind = module[at++];
        const index = leb();
        if (kind === 0) names.set(index, name);
      }
    }
    at = end;
  }
  return names;
}

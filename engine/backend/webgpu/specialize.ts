/**
 * The one place WGSL text changes shape with a setting: number formats change a kernel's binding
 * types and how it loads a weight or a K/V value, so kernels mark those lines
 *
 *   // #if kv == f16|int8        (or !=)
 *   ...
 *   // #else
 *   ...
 *   // #endif
 *   // #include kv_read          (a snippet file from shaders/, specialized the same way)
 *
 * and get one specialized text per setting, compiled into its own pipeline. Everything else is
 * `override` constants. Lines that are dropped become blank, so compiler messages keep their line
 * numbers (for the file itself; an included snippet adds its lines where it is included).
 */
export type ShaderVars = Record<string, string>;

const DIRECTIVE = /^\s*\/\/\s*#(if|else|endif|include)\b\s*(.*)$/;
const CONDITION = /^(\w+)\s*(==|!=)\s*([\w|]+)$/;

export function specialize(code: string, vars: ShaderVars, snippets: Record<string, string> = {}, depth = 0): string {
  if (depth > 4) throw new Error('WGSL #include nested too deep');
  const out: string[] = [];
  // Per open #if: is its branch live, and was its enclosing region live.
  const stack: { live: boolean; parent: boolean; taken: boolean }[] = [];
  const live = () => stack.every((s) => s.live);
  code.split('\n').forEach((line, i) => {
    const m = DIRECTIVE.exec(line);
    if (!m) {
      out.push(live() ? line : '');
      return;
    }
    const [, word, rest] = m;
    const where = `line ${i + 1}`;
    if (word === 'if') {
      const c = CONDITION.exec(rest.trim());
      if (!c) throw new Error(`WGSL #if at ${where}: cannot read "${rest.trim()}"`);
      const [, name, op, values] = c;
      if (!(name in vars)) throw new Error(`WGSL #if at ${where}: no setting "${name}"`);
      const hit = values.split('|').includes(vars[name]);
      const cond = op === '==' ? hit : !hit;
      stack.push({ live: cond, parent: live(), taken: cond });
    } else if (word === 'else') {
      const top = stack.at(-1);
      if (!top) throw new Error(`WGSL #else at ${where} without #if`);
      top.live = !top.taken;
    } else if (word === 'endif') {
      if (!stack.pop()) throw new Error(`WGSL #endif at ${where} without #if`);
    } else {
      const name = rest.trim();
      if (!live()) return void out.push('');
      const snippet = snippets[name];
      if (snippet === undefined) throw new Error(`WGSL #include at ${where}: no snippet "${name}"`);
      out.push(specialize(snippet, vars, snippets, depth + 1));
      return;
    }
    out.push('');
  });
  if (stack.length) throw new Error('WGSL #if without #endif');
  return out.join('\n');
}

// The command line of the Node benchmarks: `--name value` options taken out
// of the arguments, the rest left as they were (the build folders).

/** Removes `name` and its value from `args` and returns the value, or `dflt`. */
export function takeOption(args, name, dflt) {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

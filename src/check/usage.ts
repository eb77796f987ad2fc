/** Usage text of `meshguard check`, apart so `meshguard help` prints it without loading the checker. */
export const CHECK_USAGE = `  meshguard check [--output text|json|sarif] [--settings FILE] [--fail-on deny|warn] [--namespace NS] PATH... | -
      Run every rule on manifest files, directories (.yaml, .yml, .json, recursively) or standard input (-),
      offline. Exit code 0: nothing denied; 1: a deny finding (or a warning with --fail-on warn); 2: usage or input error.`;


/** Usage text of `meshguard check`, apart so `meshguard help` prints it without loading the checker. */
/** Room for a large cluster's pages (20 of pods at 10,000 pods) over a slow link; a CI job still fails fast when nothing answers. */
export const DEFAULT_CLUSTER_TIMEOUT_SECONDS = 30;

export const CHECK_USAGE = `  meshguard check [--output text|json|sarif] [--settings FILE] [--fail-on deny|warn] [--namespace NS]
                  [--cluster [--kubeconfig FILE] [--context NAME] [--cluster-timeout SECONDS]] PATH... | -
      Run every rule on manifest files, directories (.yaml, .yml, .json, recursively) or standard input (-),
      offline; with --cluster, as a change to the live cluster state, listed once with the kubeconfig
      (kubectl's: KUBECONFIG, ~/.kube/config) within --cluster-timeout (default ${DEFAULT_CLUSTER_TIMEOUT_SECONDS} s).
      Exit code 0: nothing denied; 1: a deny finding (or a warning with --fail-on warn); 2: usage or input error,
      or the cluster could not be read.`;

// The local cluster's public face: the cluster itself, and bringing it up and down.
export { LocalCluster, type ClusterRecord, type DaemonState } from './local-cluster.js';
export { REQUIRED_BINARIES } from './preflight.js';
export { localUp, type UpResult } from './up.js';
export { localDown, type DownResult } from './down.js';

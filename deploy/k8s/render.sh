#!/usr/bin/env bash
# Writes Kubernetes manifests for an N-node network: per node a headless
# Service, a Secret with its log and witness keys, and a StatefulSet of one
# replica with a persistent volume; plus one ConfigMap with the trust anchors
# and every node's peers file. Keys are generated here, once, with passportd.
#
#   bash deploy/k8s/render.sh [--nodes N] [--namespace NS] [--image IMAGE]
#                             [--governance-vkey VKEY] > network.yaml
#   kubectl create secret generic skillspassport-tls -n NS \
#     --from-file=ca.pem --from-file=tls.pem --from-file=tls.key
#   kubectl apply -f network.yaml
# Every node's certificate must name passportd-<i>.<NS>.svc (the peers file
# addresses them so) and chain to ca.pem.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
nodes=3 namespace=skillspassport image=skillspassport:latest governance=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --nodes) nodes=$2; shift 2 ;;
    --namespace) namespace=$2; shift 2 ;;
    --image) image=$2; shift 2 ;;
    --governance-vkey) governance=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
passportd=$root/build/services/passportd/passportd
[[ -x $passportd ]] || { echo "build passportd first (bash deploy/local.sh)" >&2; exit 1; }
keys=$(mktemp -d)
trap 'rm -rf "$keys"' EXIT
if [[ -z $governance ]]; then
  governance=$("$root/build/clients/passport" keygen --name network-governance \
    --out "$keys/governance.key")
  echo "# The governance private key was not kept: pass --governance-vkey to use your own." >&2
fi

lines=()
for ((i = 0; i < nodes; i++)); do
  origin="passportd-$i.$namespace.svc/skillspassport"
  log_key=$("$passportd" keys --data-dir "$keys/node$i" --origin "$origin")
  witness_key=$("$passportd" keys --data-dir "$keys/node$i" --origin "$origin" --witness)
  lines+=("passportd-$i.$namespace.svc:7070 $log_key $witness_key")
done

echo "apiVersion: v1
kind: ConfigMap
metadata: {name: skillspassport-network, namespace: $namespace}
data:
  trust-anchors.txt: |
    $governance"
for ((i = 0; i < nodes; i++)); do
  echo "  node$i.peers: |"
  for ((j = 0; j < nodes; j++)); do
    (( j == i )) || echo "    ${lines[j]}"
  done
done
for ((i = 0; i < nodes; i++)); do
  cat <<YAML
---
apiVersion: v1
kind: Secret
metadata: {name: passportd-$i-keys, namespace: $namespace}
type: Opaque
data:
  node.key: $(base64 -w0 < "$keys/node$i/node.key")
  witness.key: $(base64 -w0 < "$keys/node$i/witness.key")
---
apiVersion: v1
kind: Service
metadata: {name: passportd-$i, namespace: $namespace}
spec:
  clusterIP: None
  selector: {app: passportd, node: "node$i"}
  ports: [{name: grpc, port: 7070}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: passportd-$i, namespace: $namespace}
spec:
  serviceName: passportd-$i
  replicas: 1
  selector: {matchLabels: {app: passportd, node: "node$i"}}
  template:
    metadata: {labels: {app: passportd, node: "node$i"}}
    spec:
      securityContext: {runAsNonRoot: true, fsGroup: 999}
      initContainers:
        - name: keys
          image: $image
          command: [sh, -c, "for k in node.key witness.key; do [ -f /data/\$k ] || install -m 0600 /keys/\$k /data/\$k; done"]
          volumeMounts: [{name: data, mountPath: /data}, {name: keys, mountPath: /keys}]
      containers:
        - name: passportd
          image: $image
          args: [serve, --data-dir, /data, --listen, "0.0.0.0:7070",
                 --trust-anchor, /network/trust-anchors.txt,
                 --peers, /network/node$i.peers,
                 --tls-cert, /tls/tls.pem, --tls-key, /tls/tls.key,
                 --tls-client-ca, /tls/ca.pem, --peer-ca, /tls/ca.pem,
                 --metrics-listen, "0.0.0.0:9464", --rate-limit, "50",
                 --require-auth]
          ports: [{name: grpc, containerPort: 7070}, {name: metrics, containerPort: 9464}]
          readinessProbe: {grpc: {port: 7070}, periodSeconds: 5}
          volumeMounts:
            - {name: data, mountPath: /data}
            - {name: network, mountPath: /network}
            - {name: tls, mountPath: /tls}
      volumes:
        - {name: keys, secret: {secretName: passportd-$i-keys}}
        - {name: network, configMap: {name: skillspassport-network}}
        - {name: tls, secret: {secretName: skillspassport-tls}}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 20Gi}}
YAML
done

#!/usr/bin/env python3
"""Signed node heartbeats for run.sh's directory.heartbeat/h1 row (needs python3-cryptography).

  heartbeats.py register URL STATE COUNT   make COUNT ECDSA P-256 nodes (hb-0000000...), register each at URL, keep
                                           their private keys (and the last ts used) in the JSON file STATE
  heartbeats.py sign STATE OUT COUNT       write COUNT heartbeats to OUT, one per line: PATH<TAB>{"ts","sig"}; the nodes
                                           take turns, each (node, ts) pair is used once over the whole run (ts moves
                                           on from the last one STATE recorded, within the directory's +-5 min window)
                                           and every signature is fresh (r||s over portway-directory/v1\\nheartbeat\\nID\\nTS)

Every line is a heartbeat the directory accepts once: wrk sends each line once (heartbeat.lua), so no request is a
replay unless the run outlasts the file (then the repeats answer 401 and show as errors in the row).
"""
import base64, http.client, json, multiprocessing, os, sys, time, urllib.parse
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

WINDOW = 240  # stay inside the directory's 300 s window, either side, with a margin for the run's own length


def node_id(i):
    return f"hb-{i:07d}"


def register(url, state_path, count):
    target = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(target.hostname, target.port)
    keys = []
    for i in range(count):
        key = ec.generate_private_key(ec.SECP256R1())
        spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        body = {"id": node_id(i), "public_key": base64.b64encode(spki).decode(),
                "endpoints": [f"https://10.1.{(i >> 8) & 255}.{i & 255}:7000"], "capabilities": ["relay"]}
        conn.request("POST", "/v1/directory/nodes", json.dumps(body), {"content-type": "application/json"})
        r = conn.getresponse(); r.read()
        if r.status != 200:
            sys.exit(f"register {node_id(i)}: HTTP {r.status}")
        keys.append(key.private_numbers().private_value)
    json.dump({"keys": [format(k, "x") for k in keys], "last_ts": 0}, open(state_path, "w"))


def _sign(job):
    keys, start, count, first_ts = job
    curve, out = ec.SECP256R1(), []
    loaded = {}
    for j in range(start, start + count):
        n = j % len(keys)
        ts = first_ts + j // len(keys)
        key = loaded.get(n) or loaded.setdefault(n, ec.derive_private_key(int(keys[n], 16), curve))
        der = key.sign(f"portway-directory/v1\nheartbeat\n{node_id(n)}\n{ts}".encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        sig = base64.urlsafe_b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).rstrip(b"=").decode()
        out.append(f'/v1/directory/nodes/{node_id(n)}/heartbeat\t{{"ts":{ts},"sig":"{sig}"}}\n')
    return "".join(out)


def sign(state_path, out_path, count):
    state = json.load(open(state_path))
    keys = state["keys"]
    now = int(time.time())
    spread = (count + len(keys) - 1) // len(keys)  # distinct ts per node in this file
    first = max(now - WINDOW, state["last_ts"] + 1)
    if first + spread > now + WINDOW:
        sys.exit(f"heartbeats.py: {count} heartbeats need {spread} distinct ts per node; the window has no room left "
                 f"(register more nodes: HEARTBEAT_NODES)")
    workers = os.cpu_count() or 1
    chunk = (count + workers - 1) // workers
    jobs = [(keys, s, min(chunk, count - s), first) for s in range(0, count, chunk)]
    with multiprocessing.Pool(workers) as pool, open(out_path, "w") as out:
        for text in pool.map(_sign, jobs):
            out.write(text)
    state["last_ts"] = first + spread - 1
    json.dump(state, open(state_path, "w"))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "register":
        register(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) == 5 and sys.argv[1] == "sign":
        sign(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)

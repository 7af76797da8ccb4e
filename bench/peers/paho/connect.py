#!/usr/bin/python3
# paho-mqtt 1.6 or 2.x (Debian's python3-paho-mqtt, or pip's; the client under Locust's MQTT users) as a connect-cost
# peer: N clients over WSS with AWS custom-auth headers, started at RATE per second on a fixed
# schedule, held HOLD seconds, no publishes. Each client runs its own network thread
# (loop_start), as Locust's MQTT users do. Latency counts from each client's planned start, as ours
# does. Prints one JSON line: {client, devices, connected, failed, p50Ms, p99Ms}.
# Usage: connect.py TOKENS_FILE PORT CAFILE RATE HOLD_SECONDS
import json
import os
import sys
import threading
import time

import paho.mqtt.client as mqtt

tokens_file, port, ca, rate, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
devices = [line.split(" ") for line in open(tokens_file).read().strip().split("\n")]
lock = threading.Lock()
latencies, outcome = [], {}
t0 = time.monotonic() + 0.05
# paho-mqtt 2 asks which callback signatures the caller uses; version 1's are the ones below, and 1.x has no such argument.
CALLBACK_API = (mqtt.CallbackAPIVersion.VERSION1,) if hasattr(mqtt, "CallbackAPIVersion") else ()


def on_connect(client, due, flags, rc):
    with lock:
        if client not in outcome:
            outcome[client] = rc
            if rc == 0:
                latencies.append((time.monotonic() - due) * 1000)


clients = []
for i, (client_id, token) in enumerate(devices):
    due = t0 + i / rate
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    c = mqtt.Client(*CALLBACK_API, client_id=client_id, protocol=mqtt.MQTTv311, transport="websockets", userdata=due)
    c.ws_set_options(path="/mqtt", headers={"x-amz-customauthorizer-name": "device-jwt", "token": token})
    c.tls_set(ca_certs=ca)
    c.on_connect = on_connect
    try:
        c.connect_async("localhost", port, keepalive=300)
        c.loop_start()
    except Exception:  # a thread or a socket the machine would not give: it never connects, so it counts as failed
        pass
    clients.append(c)

end = t0 + len(devices) / rate + hold
while time.monotonic() < end:
    time.sleep(0.1)
with lock:
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q / 100 * len(latencies)))] if latencies else None
    connected = len(latencies)
    print(json.dumps({"client": "paho", "devices": len(devices), "connected": connected, "failed": len(devices) - connected, "p50Ms": p(50), "p99Ms": p(99)}), flush=True)
os._exit(0)  # leaves thousands of network threads behind; the numbers are out

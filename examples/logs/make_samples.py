"""Regenerate the sample logs of this folder (deterministic): `python examples/logs/make_samples.py`.

A small insurer, 2026: 120 policies (a few delivered or called back late, two late deliveries
explained, one bulk address shared by 22 policies), calls with two repeat calls after a refusal, a roster with one agent who sold
before certification and one overdue for retraining, and a few complaints.
"""

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent
rng = random.Random(2010)


def ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with open(HERE / name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


policies = []
start = datetime(2026, 1, 3, 9, 0)
for i in range(120):
    sale = start + timedelta(days=i * 2.5, minutes=rng.randrange(0, 600))
    late_delivery = i % 17 == 5
    delivery = sale + timedelta(hours=rng.randrange(50, 90) if late_delivery else rng.randrange(6, 48))
    receipt = delivery + timedelta(hours=rng.randrange(1, 24))
    late_call = i % 23 == 7
    callback = receipt + timedelta(hours=rng.randrange(80, 120) if late_call else rng.randrange(2, 72))
    deleted = ts(callback + timedelta(days=200)) if i == 11 else ""
    bulk = 30 <= i < 52
    address = "上海市浦东新区张江路88号3楼" if bulk else f"北京市海淀区中关村大街{i + 1}号"
    recipient = f"客户{i:03d}"
    phone = f"1390000{i:04d}"
    # Two of the late deliveries were agreed with or explained to the policyholder (二(三)).
    explanation = {22: "协商一致", 56: "informed"}.get(i, "")
    policies.append([f"TM2026{i:05d}", ts(sale), ts(delivery), ts(receipt), ts(callback), deleted, address, recipient, phone, explanation])
write("policies.csv", ["policy_id", "sale_time", "delivery_time", "receipt_time", "callback_time", "recording_deleted_time", "delivery_address", "recipient", "recipient_phone", "late_delivery_explanation"], policies)

agents = [f"A{n:03d}" for n in range(1, 9)]
calls = []
for i in range(300):
    when = datetime(2026, 1, 2, 9) + timedelta(hours=i * 23, minutes=rng.randrange(0, 50))
    calls.append([ts(when), f"1380000{i % 150:04d}", agents[i % len(agents)], "outbound"])
calls.append([ts(datetime(2026, 3, 2, 10)), "13800000001", "A001", "outbound"])
calls.append([ts(datetime(2026, 9, 15, 14)), "13800000002", "A002", "outbound"])
write("calls.csv", ["call_time", "phone", "agent_id", "direction"], calls)

write("refusals.csv", ["refused_time", "phone"], [
    [ts(datetime(2026, 2, 20, 11)), "13800000001"],
    [ts(datetime(2025, 10, 1, 16)), "13800000002"],
    [ts(datetime(2024, 5, 1, 10)), "13800000149"],
])

write("roster.csv", ["agent_id", "certified_date", "last_retrained_date", "left_date"], [
    ["A001", "2024-03-01", "2026-02-10", ""],
    ["A002", "2024-06-15", "2026-05-20", ""],
    ["A003", "2025-01-10", "2025-01-10", ""],
    ["A004", "2025-11-01", "", ""],
    ["A005", "2026-01-20", "", ""],
    ["A006", "2023-09-01", "2025-12-01", ""],
    ["A007", "2024-02-01", "2026-01-15", ""],
    ["A008", "2024-02-01", "2025-06-01", "2026-08-31"],
])

complaints = []
for i in range(9):
    when = datetime(2026, 1, 20) + timedelta(days=i * 33, hours=rng.randrange(9, 18))
    complaints.append([f"C{i + 1:04d}", ts(when), f"TM2026{rng.randrange(0, 120):05d}"])
write("complaints.csv", ["complaint_id", "received_time", "policy_id"], complaints)

#!/usr/bin/env bash
# The demo: sets up and builds sluice, starts local fake Stripe and GHL servers on 127.0.0.1,
# runs `sluice run` with every flow of examples/ on a fresh SQLite file, drives realistic
# activity on the fakes (customers created and updated, payments succeeding and failing,
# subscriptions, invoices paid and failed, a Terminal location, GHL orders), shows live what
# sluice polled and did, then stops it and prints what the fake GHL holds. About 45 seconds.
#
#   scripts/demo.sh            (as root or a sudoer on a fresh Debian 12; needs no network
#                               after setup: everything talks to 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build

run=demo-run                 # gitignored; recreated on every run
rm -rf "$run"
mkdir -p "$run"
start=$SECONDS

# --- helpers -------------------------------------------------------------------------------
say() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# POST JSON to a fake's control API; prints the response body.
control() { curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' -d "$2" "$1"; }
stripe() { control "$STRIPE_URL/_control/$1" "$2"; }
ghl() { control "$GHL_URL/_control/$1" "$2"; }
# The "id" of a JSON object printed with its id first (how both fakes print records).
id_of() { sed -n 's/^{"id":"\([^"]*\)".*/\1/p'; }

# Flattens JSON into path=value lines (0.email=ada@..., 0.tags.1=vip), with awk only.
json_flat() {
  awk '
    function path(   p, k) {
      p = ""
      for (k = 1; k <= depth; k++) p = p (k > 1 ? "." : "") (type[k] == "[" ? idx[k] : key[k])
      return p
    }
    { s = s $0 }
    END {
      n = length(s); depth = 0; i = 1
      while (i <= n) {
        c = substr(s, i, 1)
        if (c == "{" || c == "[") { depth++; type[depth] = c; idx[depth] = 0; want[depth] = (c == "{"); i++; continue }
        if (c == "}" || c == "]") { depth--; i++; continue }
        if (c == ",") { if (type[depth] == "[") idx[depth]++; else want[depth] = 1; i++; continue }
        if (c == ":") { want[depth] = 0; i++; continue }
        if (c ~ /[ \t\r\n]/) { i++; continue }
        if (c == "\"") {
          v = ""; j = i + 1
          while (j <= n) {
            d = substr(s, j, 1)
            if (d == "\\") { v = v substr(s, j + 1, 1); j += 2; continue }
            if (d == "\"") break
            v = v d; j++
          }
          i = j + 1
        } else {
          j = i
          while (j <= n && substr(s, j, 1) !~ /[,}\]]/) j++
          v = substr(s, i, j - i); i = j
        }
        if (type[depth] == "{" && want[depth]) { key[depth] = v; continue }
        print path() "=" v
      }
    }'
}

# The live view: sluice's log (key=value lines) reformatted to one short line per poll that
# found something and per action taken.
live_view() {
  # mawk (Debian's awk) reads a pipe in blocks unless told -W interactive; gawk needs nothing.
  local opts=()
  case "$(awk -W version 2>&1 </dev/null || true)" in *mawk*) opts=(-W interactive) ;; esac
  awk "${opts[@]}" '
    function field(name,   re, m, v) {
      if (!match($0, " " name "=(\"([^\"\\\\]|\\\\.)*\"|[^ ]*)")) return ""
      v = substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 2)
      if (v ~ /^"/) v = substr(v, 2, length(v) - 2)
      return v
    }
    function what(op) {
      if (op ~ /upsert_contact$/) return "contact upserted"
      if (op ~ /create_contact_note$/) return "note posted"
      if (op ~ /create_contact_task$/) return "task created"
      if (op ~ /add_tags_to_contact$/) return "tags added"
      if (op ~ /remove_tags_from_contact$/) return "tags removed"
      if (op ~ /get_customer_by_id$/) return "customer looked up"
      if (op ~ /create_location$/) return "location created"
      return "ok"
    }
    # One write per line, so the lines of the activity driver never land inside ours.
    function show(text) { printf "%s\n", t " " text; fflush() }
    { t = substr($1, 12, 8); ev = $3 }
    # new= counts items per subscribed flow; flows sharing a trigger share one poll.
    ev == "poll" && field("new") + 0 > 0 {
      flows = split(field("flow"), names, ",")
      show(sprintf("\033[36mpoll\033[0m  %-44s %d new%s", field("op"), field("new") / flows,
                   (flows > 1 ? " (for " flows " flows)" : ""))); next
    }
    ev == "step.ok" {
      show(sprintf("        -> %-38s %s  \033[2m[%s]\033[0m", field("op"), what(field("op")), field("flow"))); next
    }
    ev == "step.skipped" {
      show(sprintf("        -> step %s skipped: if %s  \033[2m[%s]\033[0m", field("step"), field("if"), field("flow"))); next
    }
    ev == "delivery.filtered" {
      show(sprintf("        -> filtered out  \033[2m[%s]\033[0m", field("flow"))); next
    }
    ev == "delivery.done" {
      show(sprintf("     \033[32mdone\033[0m %s (%s steps)", field("flow"), field("steps"))); next
    }
    ev == "step.retry" {
      show(sprintf("     \033[33mretry\033[0m %s in %s ms: %s", field("op"), field("in_ms"), field("error"))); next
    }
    ev == "delivery.dead" || ev == "poll.failed" || ev == "delivery.error" {
      show(sprintf("     \033[31m%s\033[0m %s %s", ev, field("flow"), field("error"))); next
    }'
}

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# --- 1. the fake APIs ------------------------------------------------------------------------
section "Starting fake Stripe and GHL on 127.0.0.1"
export STRIPE_SECRET_KEY=sk_test_demo_4eC39HqLyjWDarjtT1zdp7dc
export GHL_TOKEN=pit-demo-7f1c2a9e-5b4d
export GHL_LOCATION_ID=loc_demo_0001
export GHL_COMPANY_ID=comp_fake_0001       # the fake GHL's agency id
./build/sluice-fakes --ghl-token "$GHL_TOKEN" --stripe-key "$STRIPE_SECRET_KEY" \
  --location-id "$GHL_LOCATION_ID" --ports-file "$run/ports" --seconds 180 >"$run/fakes.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -s "$run/ports" ] && break; sleep 0.1; done
read -r ghl_part stripe_part <"$run/ports"
export GHL_BASE_URL=${ghl_part#ghl=} STRIPE_BASE_URL=${stripe_part#stripe=}
GHL_URL=$GHL_BASE_URL STRIPE_URL=$STRIPE_BASE_URL
say "fake Stripe at $STRIPE_URL, fake GHL at $GHL_URL"

# --- 2. the demo config: the example flows, polling every 2 seconds ------------------------
# The examples poll every 5 to 15 minutes, as real configs must (1 to 15 minutes). Only a
# file that says `demo_mode: true` may poll faster; `sluice check` says so.
config=$run/sluice.yaml
{
  cat <<'EOF'
# DEMO CONFIG, generated by scripts/demo.sh: the flows of examples/*.yaml, polling every 2s.
# demo_mode allows intervals under 1 minute; never use it against real APIs.
state: sqlite:sluice.db
settings: { demo_mode: true, workers: 4, max_attempts: 5, max_retry_delay: 5s }
connections:
  stripe:
    app: stripe
    api_key: "${STRIPE_SECRET_KEY}"
    base_url: "${STRIPE_BASE_URL}"
  ghl:
    app: ghl
    token: "${GHL_TOKEN}"
    location_id: "${GHL_LOCATION_ID}"
    company_id: "${GHL_COMPANY_ID}"
    base_url: "${GHL_BASE_URL}"
flows:
EOF
  for f in examples/*.yaml; do
    printf '\n  # ---- from %s\n' "$f"
    sed -n '/^flows:/,$p' "$f" | sed '1d' | sed -E 's/every: [0-9]+m/every: 2s/'
  done
} >"$config"
section "sluice check -c $config"
./build/sluice check -c "$config" 2>&1 | sed 's/^/  /'

# --- 3. sluice run ---------------------------------------------------------------------------
section "sluice run: live view (polls that found something, and every action)"
./build/sluice run -c "$config" 2>"$run/sluice.log" &
sluice_pid=$!
pids+=("$sluice_pid")
tail --pid="$sluice_pid" -s 0.2 -n +1 -f "$run/sluice.log" 2>/dev/null | live_view &
view_pid=$!
pids+=("$view_pid")
# The first poll of each trigger only records what exists (nothing yet): wait for all of them.
triggers=0
for _ in $(seq 100); do
  triggers=$(sed -n 's/.*run.start .*triggers=\([0-9]*\).*/\1/p' "$run/sluice.log")
  seeded=$(grep -c 'seeded=true' "$run/sluice.log" || true)
  [ -n "$triggers" ] && [ "$seeded" -ge "$triggers" ] && break
  sleep 0.1
done
say "sluice is polling $triggers triggers for $(grep -c '^  - name:' "$config") flows every 2s"

# --- 4. activity on the fakes ------------------------------------------------------------------
act() { say "$(printf '\033[35m%s\033[0m' "$*")"; }
act "Stripe: 3 customers sign up (Ada with tags 'vip, newsletter')"
ada=$(stripe actions/create_customer '{"email":"ada@example.com","name":"Ada Lovelace","metadata":{"tags":"vip, newsletter"}}' | id_of)
grace=$(stripe actions/create_customer '{"email":"grace@example.com","name":"Grace Hopper"}' | id_of)
linus=$(stripe actions/create_customer '{"email":"linus@example.com","name":"Linus Torvalds"}' | id_of)
sleep 4

act "Stripe: Ada's tags become 'vip, beta'; Grace's name changes"
stripe "customers/$ada" '{"metadata":{"tags":"vip, beta"}}' >/dev/null
stripe "customers/$grace" '{"name":"Grace B. Hopper"}' >/dev/null
sleep 4

act "Stripe: Ada pays 49.00 USD; Grace's card is declined for 12.50 EUR"
stripe actions/payment_succeeded "{\"customer\":\"$ada\",\"amount\":4900,\"currency\":\"usd\"}" >/dev/null
stripe actions/payment_failed "{\"customer\":\"$grace\",\"amount\":1250,\"currency\":\"eur\"}" >/dev/null
sleep 4

act "Stripe: Linus subscribes to the 'Pro' plan"
product=$(stripe products '{"name":"Sluice Cloud"}' | id_of)
price=$(stripe prices "{\"product\":\"$product\",\"unit_amount\":2900,\"currency\":\"usd\",\"nickname\":\"Pro\",\"recurring\":{\"interval\":\"month\"}}" | id_of)
stripe subscriptions "{\"customer\":\"$linus\",\"items\":[{\"price\":\"$price\"}]}" >/dev/null
sleep 4

act "Stripe: Ada's invoice of 25.00 is paid; Linus's 750.00 and Grace's 40.00 fail"
stripe actions/invoice_paid "{\"customer\":\"$ada\",\"amount\":2500}" >/dev/null
stripe actions/invoice_failed "{\"customer\":\"$linus\",\"amount\":75000}" >/dev/null
stripe actions/invoice_failed "{\"customer\":\"$grace\",\"amount\":4000}" >/dev/null
sleep 4

act "Stripe: a Terminal location opens; GHL: a walk-in buyer orders through a funnel"
stripe terminal_locations '{"display_name":"Main Street Store","address":{"line1":"1 Main St","city":"Springfield","state":"IL","postal_code":"62701","country":"US"}}' >/dev/null
buyer=$(ghl contacts "{\"locationId\":\"$GHL_LOCATION_ID\",\"email\":\"bo@example.com\",\"name\":\"Bo Buyer\"}" | id_of)
ghl actions/order "{\"contactId\":\"$buyer\",\"amount\":99}" >/dev/null
ghl actions/transaction "{\"contactId\":\"$buyer\",\"amount\":99}" >/dev/null

# Let the last polls and deliveries finish: until the log is quiet for 3 s (at most 12 s).
last=$(wc -c <"$run/sluice.log")
quiet=0
for _ in $(seq 24); do
  sleep 0.5
  now=$(wc -c <"$run/sluice.log")
  if [ "$now" = "$last" ] || ! tail -c $((now - last)) "$run/sluice.log" | grep -Eq 'new=[1-9]|step\.|delivery\.'; then
    quiet=$((quiet + 1))
  else
    quiet=0
  fi
  last=$now
  [ "$quiet" -ge 6 ] && break
done

# --- 5. stop, and what happened ------------------------------------------------------------
section "Stopping sluice (SIGTERM)"
kill -TERM "$sluice_pid"
wait "$sluice_pid" && say "sluice stopped cleanly" || say "sluice exited with $?"
wait "$view_pid" 2>/dev/null || true

section "What the fake GHL holds now"
{
  curl -sS "$GHL_URL/_control/contacts" | json_flat | sed 's/^/c./'
  curl -sS "$GHL_URL/_control/notes" | json_flat | sed 's/^/n./'
  curl -sS "$GHL_URL/_control/tasks" | json_flat | sed 's/^/t./'
  curl -sS "$GHL_URL/_control/locations" | json_flat | sed 's/^/l./'
} | awk -v home="$GHL_LOCATION_ID" '
  { k = substr($0, 1, index($0, "=") - 1); v = substr($0, index($0, "=") + 1); split(k, p, ".") }
  p[1] == "c" && p[3] == "id" { cid[p[2]] = v; order[++nc] = p[2] }
  p[1] == "c" && p[3] == "name" { cname[p[2]] = v }
  p[1] == "c" && p[3] == "email" { cmail[p[2]] = v }
  p[1] == "c" && p[3] == "tags" { ctags[p[2]] = ctags[p[2]] (ctags[p[2]] == "" ? "" : ", ") v }
  p[1] == "c" && p[3] == "customFields" && p[5] == "value" { cstripe[p[2]] = v }
  (p[1] == "n" || p[1] == "t") && (p[3] == "contactId") { owner[p[1] p[2]] = v }
  p[1] == "n" && p[3] == "body" { text["n" p[2]] = v; items[++ni] = "n" p[2]; notes++ }
  p[1] == "t" && p[3] == "title" { text["t" p[2]] = v; items[++ni] = "t" p[2]; tasks++ }
  p[1] == "l" && p[3] == "id" && v == home { home_index = p[2] }
  p[1] == "l" && p[3] == "name" && p[2] != home_index { lname[p[2]] = v; lorder[++nl] = p[2] }
  p[1] == "l" && p[3] == "city" { lcity[p[2]] = v }
  END {
    for (i = 1; i <= nc; i++) {
      c = order[i]
      printf "\033[1m%s\033[0m <%s>%s\n", cname[c], cmail[c], (cstripe[c] == "" ? "" : "  stripe id " cstripe[c])
      printf "   tags:  %s\n", (ctags[c] == "" ? "(none)" : ctags[c])
      for (j = 1; j <= ni; j++) if (owner[items[j]] == cid[c])
        printf "   %s   %s\n", (substr(items[j], 1, 1) == "n" ? "note" : "task"), text[items[j]]
    }
    printf "\nlocations (sub-accounts) created: "
    for (i = 1; i <= nl; i++) printf "%s%s (%s)", (i > 1 ? ", " : ""), lname[lorder[i]], (lcity[lorder[i]] == "" ? "-" : lcity[lorder[i]])
    printf "\n\ntotal: %d contacts, %d notes, %d tasks, %d new locations\n", nc, notes + 0, tasks + 0, nl
  }'

section "sluice status -c $config"
./build/sluice status -c "$config" 2>&1 | sed 's/^/  /'

kill "${pids[0]}" 2>/dev/null || true   # the fakes
wait "${pids[0]}" 2>/dev/null || true
section "Done in $((SECONDS - start)) s. Full log: $run/sluice.log; the demo config: $config"

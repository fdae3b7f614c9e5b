#!/usr/bin/env bash
# The demo: sets up and builds sluice, starts local fake Stripe and GHL servers on 127.0.0.1,
# runs `sluice run` with every flow of examples/ on a fresh SQLite file, drives realistic
# activity on the fakes (customers created and updated, payments succeeding and failing,
# subscriptions, invoices paid and failed, a Terminal location, GHL orders), shows live what
# sluice polled and did, then stops it and prints what the fake GHL holds. About 45 seconds.
#
#   scripts/demo.sh [BUILD_DIR]  (default build; as root or a sudoer on a fresh Debian 12; needs
#                                no network after setup: everything talks to 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
scripts/setup.sh "$build_dir"

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
# The "id" of the JSON record a fake printed (nothing when it has none).
id_of() { jq -r '.id // empty'; }

# The live view: sluice's log (key=value lines) reformatted to one short line per poll that
# found something and per action taken. jq reads the log a line at a time (-R) and writes each
# line at once (--unbuffered), so the lines of the activity driver never land inside ours.
live_view() {
  jq -Rr --unbuffered '
    # The value of " name=" (quotes removed; escapes kept as logged), or "".
    def field($name):
      first(capture(" " + $name + "=(?<v>\"([^\"\\\\]|\\\\.)*\"|[^ ]*)") | .v
            | if startswith("\"") then .[1:-1] else . end) // "";
    def pad($width): if length < $width then . + " " * ($width - length) else . end;
    def what:
      if endswith("upsert_contact") then "contact upserted"
      elif endswith("create_contact_note") then "note posted"
      elif endswith("create_contact_task") then "task created"
      elif endswith("add_tags_to_contact") then "tags added"
      elif endswith("remove_tags_from_contact") then "tags removed"
      elif endswith("get_customer_by_id") then "customer looked up"
      elif endswith("create_location") then "location created"
      else "ok" end;
    def color($code): "\u001b[\($code)m\(.)\u001b[0m";
    def tag: "[\(.)]" | color(2);
    # A line: "2026-11-23T15:40:00.123Z INFO  event key=value ...".
    first(capture("^(?<time>\\S+)\\s+\\S+\\s+(?<ev>\\S+)")) as {$time, $ev}
    | ($time[11:19] + " ") as $t
    | if $ev == "poll" and (field("new") | tonumber? // 0) > 0 then
        # new= counts items per subscribed flow; flows sharing a trigger share one poll.
        (field("flow") | split(",") | length) as $flows
        | $t + ("poll" | color(36)) + "  " + (field("op") | pad(44))
          + " \(field("new") | tonumber / $flows | floor) new"
          + (if $flows > 1 then " (for \($flows) flows)" else "" end)
      elif $ev == "step.ok" then
        $t + "        -> \(field("op") | pad(38)) \(field("op") | what)  \(field("flow") | tag)"
      elif $ev == "step.skipped" then
        $t + "        -> step \(field("step")) skipped: if \(field("if"))  \(field("flow") | tag)"
      elif $ev == "delivery.filtered" then
        $t + "        -> filtered out  \(field("flow") | tag)"
      elif $ev == "delivery.done" then
        $t + "     \("done" | color(32)) \(field("flow")) (\(field("steps")) steps)"
      elif $ev == "step.retry" then
        $t + "     \("retry" | color(33)) \(field("op")) in \(field("in_ms")) ms: \(field("error"))"
      elif $ev == "delivery.dead" or $ev == "poll.failed" or $ev == "delivery.error" then
        $t + "     \($ev | color(31)) \(field("flow")) \(field("error"))"
      else empty end'
}

# What the fake GHL holds, from its control lists of contacts, notes, tasks and locations
# (on stdin, in that order): each contact with its tags and its notes and tasks, then the
# locations created besides the home one ($home) and the agency's sub-accounts (loc_*), and the
# counts.
ghl_summary() {
  jq -sr --arg home "$1" '
    . as [$contacts, $notes, $tasks, $locations]
    | [($notes[] | {what: "note", owner: .contactId, text: .body}),
       ($tasks[] | {what: "task", owner: .contactId, text: .title})] as $items
    | [$locations[] | select(.id != $home and (.id | startswith("loc_") | not))] as $created
    | ($contacts[]
       | . as $c
       | ([$c.customFields[]?.value | select(. != null) | tostring] | last // "") as $stripe
       | "\u001b[1m\($c.name // "")\u001b[0m <\($c.email // "")>"
         + (if $stripe == "" then "" else "  stripe id \($stripe)" end),
         "   tags:  " + ($c.tags // [] | if length == 0 then "(none)" else join(", ") end),
         ($items[] | select(.owner == $c.id) | "   \(.what)   \(.text)")),
      "",
      "locations (sub-accounts) created: "
        + ($created | map("\(.name) (\(if (.city // "") == "" then "-" else .city end))")
           | join(", ")),
      "",
      "total: \($contacts | length) contacts, \($notes | length) notes, \($tasks | length) tasks, \($created | length) new locations"'
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
export GHL_APP_SECRET=demo-app-secret-5b1e  # the agency's marketplace app
SLUICE_TOKEN_KEY=$(openssl rand -hex 32)    # seals the stored OAuth tokens
export SLUICE_TOKEN_KEY
"$build_dir/sluice-fakes" --ghl-token "$GHL_TOKEN" --stripe-key "$STRIPE_SECRET_KEY" \
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
settings: { demo_mode: true, workers: 4, max_attempts: 5, max_retry_delay: 5s, token_key: { env: SLUICE_TOKEN_KEY } }
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
  # An agency connection: one flow for every sub-account where the marketplace app is
  # installed (README "Agencies"); its tokens come from `sluice connect` below.
  agency:
    app: ghl
    client_id: demo-app-client
    client_secret: "${GHL_APP_SECRET}"
    user_type: Company
    company_id: "${GHL_COMPANY_ID}"
    app_id: app_fake_0001
    redirect_uri: http://127.0.0.1:8790/callback
    locations: [loc_dental, loc_gym, loc_salon]   # or all: every install (here also the home one)
    rediscover: 10s
    base_url: "${GHL_BASE_URL}"
flows:
  # ---- every sub-account of the agency: a new contact is welcomed in its own sub-account
  - name: welcome
    trigger: { op: ghl.contacts.search_contacts, connection: agency, every: 2s }
    steps:
      - op: ghl.contacts.add_tags_to_contact
        connection: agency
        with: { contactId: "{{trigger.id}}", tags: ["welcome to {{tenant.name}}"] }
EOF
  for f in examples/*.yaml; do
    printf '\n  # ---- from %s\n' "$f"
    sed -n '/^flows:/,$p' "$f" | sed '1d' | sed -E 's/every: [0-9]+m/every: 2s/'
  done
} >"$config"
section "sluice check -c $config"
"$build_dir/sluice" check -c "$config" 2>&1 | sed 's/^/  /'

section "An agency: the marketplace app installed in three sub-accounts, connected once"
ghl oauth/app '{"client_id":"demo-app-client","client_secret":"demo-app-secret-5b1e","redirect_uri":"http://127.0.0.1:8790/callback"}' >/dev/null
for sub in "loc_dental:Dental North" "loc_gym:Gym Downtown" "loc_salon:Salon Uptown"; do
  ghl locations "{\"id\":\"${sub%%:*}\",\"name\":\"${sub#*:}\"}" >/dev/null
done
say "installed in: $(curl -sS "$GHL_URL/_control/locations" | jq -r '[.[] | select(.id != env.GHL_LOCATION_ID) | .name] | join(", ")') (and the home sub-account)"
code=$(ghl oauth/code '{"userType":"Company"}' | jq -r .code)
"$build_dir/sluice" connect ghl -c "$config" agency --code "$code" 2>&1 | sed 's/^/  /'

# --- 3. sluice run ---------------------------------------------------------------------------
section "sluice run: live view (polls that found something, and every action)"
"$build_dir/sluice" run -c "$config" --log-level debug 2>"$run/sluice.log" &
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

act "GHL: a new contact in each of the three sub-accounts (the agency flow welcomes each in its own)"
for sub in loc_dental loc_gym loc_salon; do
  ghl contacts "{\"locationId\":\"$sub\",\"email\":\"first@$sub.example\",\"name\":\"First of $sub\"}" >/dev/null
done

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
for kind in contacts notes tasks locations; do curl -sS "$GHL_URL/_control/$kind"; done |
  ghl_summary "$GHL_LOCATION_ID"

section "sluice status -c $config"
"$build_dir/sluice" status -c "$config" 2>&1 | sed 's/^/  /'

kill "${pids[0]}" 2>/dev/null || true   # the fakes
wait "${pids[0]}" 2>/dev/null || true
section "Done in $((SECONDS - start)) s. Full log: $run/sluice.log; the demo config: $config"

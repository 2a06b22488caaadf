#!/usr/bin/env bash
# Tom's journey (white paper, workforce chapter), end to end through the
# `passport` CLI against a real passportd: the README walkthrough, as a test.
# A care worker completes the Care Certificate at a care home, a diabetes
# nurse assesses and delegates insulin administration, he moves to an NHS
# community trust, and the trust verifies everything from one presentation.
# Usage: walkthrough.sh PASSPORTD PASSPORT
set -euo pipefail
passportd=$1 passport=$2
source "$(dirname "$0")/testing/node.sh"
# The story picks its own dates, relative to today so it never goes stale, and
# every expectation follows from them, never from where today falls in the
# month. Offsets are in days from a date that has no month-end to fall off.
today=$(date -u +%F)  # once: a run that crosses midnight keeps one "today"
after() { date -u -d "$1 $2 days" +%F; }
day() { after "$today" "$1"; }
# The first day of the month two months back: 59 to 92 days ago. Tom leaves
# social care 40 days after it, so monthly points on it and the next month's
# first day see him there, and the first day of last month does not.
month0=$(date -u -d "${today:0:8}01 -2 months" +%F)
month2=$(date -u -d "${today:0:8}01 -1 month" +%F)
left_care=$(after "$month0" +40)
joined_nhs=$(after "$month0" +50)
flows_as_of=$(after "$month0" +55)

# passportd explains itself; a mistyped flag is named and exits 2.
"$passportd" --help | grep -q -- '--data-dir TEXT=./data'
"$passportd" backup --help | grep -q -- '--to TEXT REQUIRED'
set +e
"$passportd" keys --data-dri "$work/x" 2> "$work/err.txt"
code=$?
set -e
[[ $code == 2 ]] && grep -q -- '--data-dri' "$work/err.txt" || { cat "$work/err.txt"; exit 1; }

# Workforce calls need an access token signed by a registered key.
start_node "$passportd" --require-auth
P() { "$passport" "$@" --server "$addr"; }
gov="$work/data/governance.key"

# The operator registers a care home and an NHS community trust.
home=$("$passport" keygen --name sunrise-care-home --out "$work/home.key")
trust=$("$passport" keygen --name community-trust --out "$work/trust.key")
P org register --key "$gov" --id CQC:1-1000000001 --name "Sunrise Care Home" \
  --sector adult-social-care --icb E54000008 --place Liverpool \
  --roles employer,identity-checker --org-vkey "$home" > /dev/null
P org register --key "$gov" --id ODS:RY1 --name "Community Health Trust" --sector nhs \
  --icb E54000008 --place Liverpool --roles employer,identity-checker --org-vkey "$trust" > /dev/null

# The Cheshire and Merseyside ICS, whose workforce lead plans for Liverpool
# once governance grants it the planner's role: 3 FTE who may give insulin
# (delegated activity 2) over this year.
ics=$("$passport" keygen --name cheshire-merseyside-ics --out "$work/ics.key")
P org register --key "$gov" --id ODS:QYG --name "Cheshire and Merseyside ICS" \
  --sector system --icb E54000008 --place Liverpool --roles employer \
  --org-vkey "$ics" > /dev/null
plan() {
  P demand-plan --key "$work/ics.key" --org ODS:QYG --icb E54000008 --place Liverpool \
    --activity 2 --start "$(day -30)" --end "$(day +335)" --fte 3000 "$@"
}
if plan 2> "$work/err.txt"; then echo "a demand plan from a non-planner"; exit 1; fi
grep -q PERMISSION_DENIED "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
# A MIRRORED write needs peers to hold it; this node has none.
if P org grant-role --key "$gov" --org ODS:QYG --role workforce-planner \
     --durability mirrored 2> "$work/err.txt"; then
  echo "a MIRRORED write was acknowledged without peers"; exit 1
fi
grep -q "FAILED_PRECONDITION: MIRRORED durability needs peers" "$work/err.txt" ||
  { cat "$work/err.txt"; exit 1; }
P org grant-role --key "$gov" --org ODS:QYG --role workforce-planner --durability local > /dev/null
plan > /dev/null

# The trust registers its diabetes specialist nurse.
nurse=$("$passport" keygen --name diabetes-nurse --out "$work/nurse.key")
P professional register --key "$work/trust.key" --org ODS:RY1 --regulator nmc --number 12A3456B \
  --profession "Diabetes specialist nurse" --professional-vkey "$nurse" > /dev/null

# Tom enrols at the care home; his identity stays in his wallet (only a
# salted commitment goes on the ledger).
"$passport" keygen --name tom --out "$work/tom.key" > /dev/null
printf 'identity attributes checked in person' > "$work/identity.txt"
enrolment=$(P enrol --key "$work/tom.key" --org-key "$work/home.key" --org CQC:1-1000000001 \
  --identity-file "$work/identity.txt" | awk '{print $2}')
tom=$("$passport" passport-id --key "$work/tom.key")

# Hired as a care worker; completes all 16 standards of the 2025 Care Certificate.
P hire --key "$work/home.key" --org CQC:1-1000000001 --passport "$tom" --employment-id SCH-0042 \
  --job-role 10 --sector adult-social-care --icb E54000008 --place Liverpool --fte 1000 \
  --start "$(day -200)" > /dev/null
standards=$(P standard --key "$work/home.key" --org CQC:1-1000000001 --passport "$tom" \
  --version 2025 --standards 1-16 --assessor "senior care worker" --method observation \
  --date "$(day -150)" | awk '{print $2}' | paste -sd, -)

# The nurse assesses him and delegates insulin administration.
competency=$(P assess --key "$work/nurse.key" --professional NMC:12A3456B --passport "$tom" \
  --activity 2 --procedure "subcutaneous insulin by pen" --assessed "$(day -100)" \
  --reassess-by "$(day +265)" | awk '{print $2}')
delegation=$(P delegate --key "$work/nurse.key" --professional NMC:12A3456B --regulator nmc \
  --number 12A3456B --profession "Diabetes specialist nurse" --passport "$tom" \
  --delegation-id D-2026-017 --activity 2 --procedure "subcutaneous insulin by pen" \
  --person-ref P-7f3a --setting CQC:1-1000000001 \
  --conditions "blood glucose checked first; no dose changes" \
  --supervision "community diabetes team duty line" --competency "$competency" \
  --date "$(day -99)" --review-by "$(day +80)" | awk '{print $2}')

# He moves to the NHS community trust.
P end-employment --key "$work/home.key" --org CQC:1-1000000001 --passport "$tom" \
  --employment-id SCH-0042 --end "$left_care" --reason "moved to the NHS" > /dev/null
P hire --key "$work/trust.key" --org ODS:RY1 --passport "$tom" --employment-id CHT-7731 \
  --nhs-role HCA --sector nhs --icb E54000008 --place Liverpool --fte 1000 \
  --start "$joined_nhs" > /dev/null

# The ICS workforce lead sees his move from social care to the NHS only as a
# suppressed count: one person is under the threshold. Each query carries a
# fresh access token signed with the ICS's key; without one, or for another
# ICS, the node refuses.
if P workforce flows --between sector --period-days 60 2> "$work/err.txt"; then
  echo "workforce query without a token was answered"; exit 1
fi
grep -q UNAUTHENTICATED "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
if P workforce coverage --key "$work/ics.key" --icb E54000050 2> "$work/err.txt"; then
  echo "another ICS's coverage was answered"; exit 1
fi
grep -q "may query its own ICS (E54000008)" "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
P workforce flows --key "$work/ics.key" --between sector --period-days 60 --as-of "$flows_as_of" \
  --csv > "$work/flows.csv"
grep -q "^$flows_as_of,ADULT_SOCIAL_CARE,NHS,\[c\],\[c\]$" "$work/flows.csv" ||
  { cat "$work/flows.csv"; exit 1; }
P workforce supply --key "$work/ics.key" --group-by sector --from "$month0" --to "$month2" \
  > "$work/supply.txt"
[[ $(grep -c "ADULT_SOCIAL_CARE  *\[c\]" "$work/supply.txt") == 2 ]] ||
  { cat "$work/supply.txt"; exit 1; }
P workforce supply --key "$work/ics.key" --group-by sector,role --as-of "$today" --csv > "$work/now.csv"
grep -q "^$today,NHS,nhs:HCA,\[c\],\[c\]$" "$work/now.csv" ||
  { cat "$work/now.csv"; exit 1; }
# Against the plan: Tom is the one worker assessed for insulin (suppressed).
P workforce coverage --key "$work/ics.key" --icb E54000008 --as-of "$today" --csv \
  > "$work/coverage.csv"
grep -q "^$today,Liverpool,activity:2,\[c\],\[c\],3.000,\[c\]$" "$work/coverage.csv" ||
  { cat "$work/coverage.csv"; exit 1; }

# Tom looks at his passport and presents it to the trust, disclosing his
# identity to the trust alone (checked against his enrolment's commitment).
P show --key "$work/tom.key" | tee "$work/show.txt"
grep -q "care cert.  2025: 16 of 16 standards, complete" "$work/show.txt"
P present --key "$work/tom.key" --records "$enrolment,$standards,$competency,$delegation" \
  --audience ODS:RY1 --disclose-identity --out "$work/tom.presentation" > /dev/null

# The trust verifies it offline, with the node's verifier key only.
node_key=$("$passportd" keys --data-dir "$work/data")
"$passport" verify-presentation --in "$work/tom.presentation" --node-vkey "$node_key" \
  --audience ODS:RY1 | tee "$work/verify.txt"
valid=$(grep -c '^VALID' "$work/verify.txt")
[[ $valid == 19 ]] || { echo "expected 19 valid records, got $valid"; exit 1; }
grep -q "^identity (matches the enrolment commitment): identity attributes checked in person" \
  "$work/verify.txt"
rm "$work/identity.txt"  # the vault holds it now
# Not for anyone else.
if "$passport" verify-presentation --in "$work/tom.presentation" --node-vkey "$node_key" \
     --audience CQC:1-1000000001 2> /dev/null; then
  echo "a presentation for the trust verified for another audience"; exit 1
fi
# The text form (for a QR code) verifies the same way.
text=$(P present --key "$work/tom.key" --records "$competency" --audience ODS:RY1 --text)
"$passport" verify-presentation --in-text "$text" --node-vkey "$node_key" --audience ODS:RY1 \
  --json | grep -q '"verdict": *"RECORD_VERDICT_VALID"'

# With Tom's consent the trust checks what a role's checklist still needs;
# once he withdraws it, the trust can no longer read his passport.
P consent --key "$work/tom.key" --to ODS:RY1 --consent-id C-RY1-1 > /dev/null
P required --key "$work/trust.key" --passport "$tom" \
  --checklist care-certificate:2025,competency:2,training:1 > "$work/required.txt"
grep -q "^satisfied  care-certificate:2025  [0-9a-f]\{64\}," "$work/required.txt" &&
  grep -q "^satisfied  competency:2  $competency$" "$work/required.txt" &&
  grep -q "^needed     training:1$" "$work/required.txt" &&
  grep -q "^2 satisfied, 1 still needed$" "$work/required.txt" ||
  { cat "$work/required.txt"; exit 1; }
P consent withdraw --key "$work/tom.key" --consent-id C-RY1-1 > /dev/null
if P required --key "$work/trust.key" --passport "$tom" --checklist training:1 \
     2> "$work/err.txt"; then
  echo "the trust read Tom's passport after he withdrew consent"; exit 1
fi
grep -q PERMISSION_DENIED "$work/err.txt" || { cat "$work/err.txt"; exit 1; }
grep -q "^consent     ended      to ODS:RY1$" <(P show --key "$work/tom.key")

# Tom erases his identity vault: nothing can be disclosed any more, and his
# records and their proofs still verify.
"$passport" erase --key "$work/tom.key" > /dev/null
if P present --key "$work/tom.key" --records "$enrolment" --audience ODS:RY1 \
     --disclose-identity --text 2> /dev/null; then
  echo "disclosed an identity after erasure"; exit 1
fi
P present --key "$work/tom.key" --records "$enrolment,$standards,$competency,$delegation" \
  --audience ODS:RY1 --out "$work/after-erase.presentation" > /dev/null
valid=$("$passport" verify-presentation --in "$work/after-erase.presentation" \
  --node-vkey "$node_key" --audience ODS:RY1 | grep -c '^VALID')
[[ $valid == 19 ]] || { echo "after erasure expected 19 valid records, got $valid"; exit 1; }
# Later: training, a review, a key rotation, a withdrawal and a revocation.
P credential --key "$work/trust.key" --org ODS:RY1 --passport "$tom" --kind training \
  --training-category 1 --awarded "$(day -5)" --valid-until "$(day +360)" > /dev/null
P review --key "$work/nurse.key" --professional NMC:12A3456B --delegation-id D-2026-017 \
  --date "$today" --review-by "$(day +200)" > /dev/null
home2=$("$passport" keygen --name sunrise-care-home-2 --out "$work/home2.key")
P org add-key --key "$work/home.key" --org CQC:1-1000000001 --new-vkey "$home2" > /dev/null
# Revocation takes effect from the current second (records issued in that
# second count as after it), so wait until the second after the earlier records.
issued=$(date +%s)
while [[ $(date +%s) == "$issued" ]]; do sleep 0.05; done
P key revoke --key "$work/home2.key" --revoke-vkey "$home" --reason rotated > /dev/null
if P standard --key "$work/home.key" --org CQC:1-1000000001 --passport "$tom" --version 2015 \
     --standards 1 --assessor a --method m --date "$today" 2> /dev/null; then
  echo "a revoked key signed a record"; exit 1
fi
P withdraw --key "$work/nurse.key" --professional NMC:12A3456B --delegation-id D-2026-017 \
  --date "$today" --reason change-in-persons-condition > /dev/null
first_standard=${standards%%,*}
P record status --key "$work/home2.key" --record "$first_standard" --change revoked \
  --reason issued-in-error > /dev/null
P show --key "$work/tom.key" > "$work/show2.txt"
grep -q "care cert.  2025: 15 of 16 standards$" "$work/show2.txt"
grep -q "^delegation  withdrawn" "$work/show2.txt"
grep -q "^credential  valid      ODS:RY1" "$work/show2.txt"
P present --key "$work/tom.key" --records "$standards,$delegation" --audience ODS:RY1 \
  --out "$work/later.presentation" > /dev/null
"$passport" verify-presentation --in "$work/later.presentation" --node-vkey "$node_key" \
  --audience ODS:RY1 > "$work/later.txt"
[[ $(grep -c '^REVOKED' "$work/later.txt") == 2 ]] || { cat "$work/later.txt"; exit 1; }
# Tom loses his phone: the trust checks his identity again and binds his
# passport to his new phone's key. The new key reads and presents his
# passport; the lost one no longer can.
"$passport" keygen --name tom-new-phone --out "$work/tom2.key" > /dev/null
P rebind --key "$work/tom2.key" --org-key "$work/trust.key" --org ODS:RY1 \
  --passport "$tom" --reason "lost device" > /dev/null
P show --key "$work/tom2.key" --passport "$tom" > "$work/show3.txt"
grep -q "^passport $tom as of " "$work/show3.txt" &&
  grep -q "^delegation  withdrawn" "$work/show3.txt" || { cat "$work/show3.txt"; exit 1; }
P present --key "$work/tom2.key" --passport "$tom" --records "$competency" \
  --audience ODS:RY1 --out "$work/new-phone.presentation" > /dev/null
"$passport" verify-presentation --in "$work/new-phone.presentation" --node-vkey "$node_key" \
  --audience ODS:RY1 | grep -q "^VALID "
if P show --key "$work/tom.key" 2> "$work/err.txt"; then
  echo "the lost key still reads the passport"; exit 1
fi
grep -q "UNAUTHENTICATED: access token: key id .* was revoked" "$work/err.txt" ||
  { cat "$work/err.txt"; exit 1; }
# The operator's glance at the node: serving, and its checkpoint verified.
P status --vkey "$node_key" > "$work/status.txt"
grep -q '^health  *SERVING$' "$work/status.txt" || { cat "$work/status.txt"; exit 1; }
grep -q '^checkpoint  *signed by ' "$work/status.txt" || { cat "$work/status.txt"; exit 1; }
# The operator backs the running node up (a worker's key may not), then
# restores the backup into a new data directory, verified first.
if "$passportd" backup --data-dir "$work/data" --listen "$addr" --to "$work/stolen" \
     --operator-key "$work/tom.key" 2> /dev/null; then
  echo "a worker's key made a backup"; exit 1
fi
"$passportd" backup --data-dir "$work/data" --listen "$addr" --to "$work/backup" | grep -q online
"$passportd" restore --from "$work/backup" --data-dir "$work/restored" | grep -q '^verified '
echo "walkthrough: Tom's 16 standards, competency and delegation verified by the trust"

#!/usr/bin/env bash
# A whole retro with two people, over curl: board from a template, retro, cards, grouping,
# votes, discussion with notes and an action item, closing, the Markdown export, and the
# next retro on the board showing the open action item.
#
# Terminal 1:  uv run aluzio dev 2>&1 | tee dev.log
# Terminal 2:  bash docs/walkthrough.sh      (needs curl and jq)
#
# API and DEV_LOG point elsewhere if needed; the verification links are read from the mails
# the dev console prints into DEV_LOG. Every run signs up two new people.
set -euo pipefail
API=${API:-http://127.0.0.1:8000/api}
DEV_LOG=${DEV_LOG:-dev.log}
JSON='Content-Type: application/json'
RUN=$(date +%s%N)
ADA_EMAIL="ada-$RUN@example.com"
BEA_EMAIL="bea-$RUN@example.com"

# The token of the verification link the dev console printed for an address.
verification_token() {
  for _ in $(seq 100); do
    token=$(awk -v to="To: $1" '$0 == to { mine = 1 }
      mine && /verify-email#token=/ { sub(/.*#token=/, ""); print; mine = 0 }' "$DEV_LOG")
    if [ -n "$token" ]; then echo "$token"; return; fi
    sleep 0.2
  done
  echo "no verification mail for $1 in $DEV_LOG" >&2
  return 1
}

# Sign up (the session cookie lands in the jar $1), verify the address; prints the CSRF token.
sign_up() {
  curl -sS --fail-with-body -c "$1" -b "$1" -H "$JSON" -X POST "$API/auth/register" \
    -d "{\"name\":\"$2\",\"email\":\"$3\",\"password\":\"correct horse battery staple\",\"confirmsAdult\":true}" >/dev/null
  csrf=$(curl -sS --fail-with-body -b "$1" "$API/auth/session" | jq -r .csrfToken)
  curl -sS --fail-with-body -b "$1" -H "$JSON" -H "X-CSRF-Token: $csrf" \
    -X POST "$API/auth/verify-email" -d "{\"token\":\"$(verification_token "$3")\"}" >/dev/null
  echo "$csrf"
}

A=$(sign_up ada.jar Ada "$ADA_EMAIL")
B=$(sign_up bea.jar Bea "$BEA_EMAIL")
ada() { curl -sS --fail-with-body -b ada.jar -H "$JSON" -H "X-CSRF-Token: $A" "$@"; }
bea() { curl -sS --fail-with-body -b bea.jar -H "$JSON" -H "X-CSRF-Token: $B" "$@"; }
BEA_ID=$(bea "$API/auth/session" | jq -r .user.id)

# Ada's organization; Bea joins it with a join link
SLUG=$(ada -X POST "$API/orgs" -d "{\"name\":\"Team $RUN\"}" | jq -r .slug)
LINK=$(ada -X POST "$API/orgs/$SLUG/join-link" | jq -r .url)
bea -X POST "$API/join" -d "{\"token\":\"${LINK#*#token=}\"}" >/dev/null

# A board from a template, and a retro on it (anonymous, 5 votes each, 3 per topic)
BOARD=$(ada -X POST "$API/orgs/$SLUG/boards" \
  -d '{"name":"Team board","templateKey":"start-stop-continue"}')
BOARD_ID=$(echo "$BOARD" | jq -r .id)
START=$(echo "$BOARD" | jq -r '.sections[0].id')
STOP=$(echo "$BOARD" | jq -r '.sections[1].id')
RETRO=$(ada -X POST "$API/boards/$BOARD_ID/retros" -d '{"title":"Sprint 12"}' | jq -r .id)

# Reflect: both write in private
ada -X POST "$API/retros/$RETRO/phase" -d '{"to":"reflect"}' >/dev/null
CARD_A=$(ada -X POST "$API/retros/$RETRO/cards" \
  -d "{\"sectionId\":\"$START\",\"body\":\"Shorter standups\"}" | jq -r .id)
STANDUPS=$(bea -X POST "$API/retros/$RETRO/cards" \
  -d "{\"sectionId\":\"$START\",\"body\":\"Standups ran long\"}" | jq -r .topicId)
DEPLOYS=$(bea -X POST "$API/retros/$RETRO/cards" \
  -d "{\"sectionId\":\"$STOP\",\"body\":\"Friday deploys\"}" | jq -r .topicId)

# Group: Bea puts Ada's card with hers and names the topic
ada -X POST "$API/retros/$RETRO/phase" -d '{"to":"group"}' >/dev/null
bea -X POST "$API/cards/$CARD_A/move" -d "{\"topicId\":\"$STANDUPS\"}" >/dev/null
bea -X PATCH "$API/topics/$STANDUPS" -d '{"title":"Standups"}' >/dev/null

# Vote: each sees only their own votes and what is left of their budget
ada -X POST "$API/retros/$RETRO/phase" -d '{"to":"vote"}' >/dev/null
bea -X POST "$API/topics/$STANDUPS/votes" >/dev/null
bea -X POST "$API/topics/$STANDUPS/votes" | jq -c '{myVotes, remainingVotes}'
ada -X POST "$API/topics/$STANDUPS/votes" >/dev/null
ada -X POST "$API/topics/$DEPLOYS/votes" >/dev/null

# Discuss: totals revealed, topics by votes; the cursor, a timer, a note, an action item
ada -X POST "$API/retros/$RETRO/phase" -d '{"to":"discuss"}' >/dev/null
ada -X POST "$API/retros/$RETRO/discussion" -d "{\"topicId\":\"$STANDUPS\"}" >/dev/null
ada -X PUT "$API/retros/$RETRO/timer" -d '{"seconds":300}' >/dev/null
bea -X POST "$API/topics/$STANDUPS/notes" -d '{"body":"Timebox to 15 minutes"}' >/dev/null
ITEM=$(ada -X POST "$API/retros/$RETRO/action-items" \
  -d "{\"title\":\"Try a 15-minute timebox\",\"assigneeId\":\"$BEA_ID\",\"topicId\":\"$STANDUPS\"}" \
  | jq -r .id)
bea "$API/retros/$RETRO" | jq -c '[.topics[] | {title, votes}]'

# Close it, and export the meeting notes as Markdown (csv and json work the same way)
ada -X POST "$API/retros/$RETRO/phase" -d '{"to":"closed"}' >/dev/null
ada "$API/retros/$RETRO/export?format=markdown" -o sprint-12.md
cat sprint-12.md

# The next retro on the board starts with the open action item; Bea has it on her list too
NEXT=$(ada -X POST "$API/boards/$BOARD_ID/retros" -d '{"title":"Sprint 13"}' | jq -r .id)
ada "$API/retros/$NEXT" | jq -c '[.carriedOverActionItems[] | {id, title, done}]'
bea "$API/me/action-items" | jq -c '[.items[] | {id, title}]'
# Bea marks it done once: it leaves the open lists and is done on the board
bea -X PATCH "$API/action-items/$ITEM" -d '{"done":true}' | jq -c '{title, done}'
ada "$API/retros/$NEXT" | jq -c '[.carriedOverActionItems[] | {title, done}]'
ada "$API/boards/$BOARD_ID/action-items?status=done" | jq -c '[.items[] | {title, done}]'

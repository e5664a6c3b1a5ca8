#!/bin/sh
test_description='drover cron add/list/remove: /etc/cron.d files (DROVER_CRON_DIR) and the crontab'
. "$(dirname "$0")/lib.sh"

# Never the real /etc/cron.d or crontab.
mkdir cron.d
DROVER_CRON_DIR=$TRASH/cron.d
export DROVER_CRON_DIR
# A stand-in crontab program: -l prints $TRASH/crontab, - replaces it.
cat >fake-crontab <<-FAKE
	#!/bin/sh
	case "\$1" in
	-l) cat "$TRASH/crontab" 2>/dev/null || { echo "no crontab for you" >&2; exit 1; } ;;
	-) cat >"$TRASH/crontab" ;;
	*) exit 2 ;;
	esac
FAKE
chmod +x fake-crontab
DROVER_CRONTAB=$TRASH/fake-crontab
export DROVER_CRONTAB
# jobs run the binary by its real path
SELF=$(readlink -f "$DROVER")

test_expect_success 'cron add writes cron.d/drover-NAME with --lock and --log, from this folder' '
	"$DROVER" cron add patch --schedule "0 3 * * 0" -- play playbooks/patch.yml -i "my inv" >out &&
	test_grep "^added $TRASH/cron.d/drover-patch$" out &&
	test "$(stat -c %a cron.d/drover-patch)" = 644 &&
	line=$(tail -n 1 cron.d/drover-patch) &&
	test "$line" = "0 3 * * 0 root cd '\''$TRASH'\'' && exec '\''$SELF'\'' '\''play'\'' '\''playbooks/patch.yml'\'' '\''-i'\'' '\''my inv'\'' --lock --log '\''$TRASH/state/drover/cron-patch.log'\''" &&
	test_grep "^SHELL=/bin/sh$" cron.d/drover-patch &&
	test_grep "^PATH=" cron.d/drover-patch &&
	test -d state/drover
'

test_expect_success 'cron add: --user, --log, and a job that already has --lock keeps it' '
	"$DROVER" cron add nightly --schedule @daily --user deploy --log /var/tmp/n.log -- \
		adhoc all -m ping --lock=/run/x.lock >out &&
	line=$(tail -n 1 cron.d/drover-nightly) &&
	test "$line" = "@daily deploy cd '\''$TRASH'\'' && exec '\''$SELF'\'' '\''adhoc'\'' '\''all'\'' '\''-m'\'' '\''ping'\'' '\''--lock=/run/x.lock'\'' --log '\''/var/tmp/n.log'\''"
'

test_expect_success 'cron add again replaces the job; % is escaped for cron' '
	"$DROVER" cron add patch --schedule "30 2 * * 1-5" -- adhoc all -a "date +%F" >out &&
	test_grep "^updated " out &&
	test_grep -F "30 2 * * 1-5 root " cron.d/drover-patch &&
	test_grep -F "'\''date +\%F'\''" cron.d/drover-patch &&
	test $(ls cron.d | wc -l) -eq 2
'

test_expect_success 'cron list shows every drover job' '
	: >cron.d/other-job &&
	"$DROVER" cron list >list &&
	test $(wc -l <list) -eq 2 &&
	test_grep -E "^nightly +@daily deploy cd " list &&
	test_grep -E "^patch +30 2 \* \* 1-5 root cd " list
'

test_expect_success 'a bad schedule is refused with a clear message, nothing written' '
	test_expect_code 5 "$DROVER" cron add bad --schedule "0 24 * * *" -- adhoc all 2>err &&
	test_grep "^ERROR! bad schedule '\''0 24 \* \* \*'\'': hour: 24 is out of range 0-23$" err &&
	test_expect_code 5 "$DROVER" cron add bad --schedule "0 3 * *" -- adhoc all 2>err &&
	test_grep "a schedule has 5 fields" err &&
	test_expect_code 5 "$DROVER" cron add bad --schedule "@fortnightly" -- adhoc all 2>err &&
	test_grep "unknown schedule" err &&
	test_expect_code 5 "$DROVER" cron add bad --schedule "*/0 * * * *" -- adhoc all 2>err &&
	test_grep "bad step" err &&
	test_path_is_missing cron.d/drover-bad
'

test_expect_success 'cron add: a bad name, no schedule, no command' '
	test_expect_code 5 "$DROVER" cron add "a.b" --schedule @daily -- adhoc all 2>err &&
	test_grep "NAME of letters, digits" err &&
	test_expect_code 5 "$DROVER" cron add x -- adhoc all 2>err &&
	test_grep "needs --schedule" err &&
	test_expect_code 5 "$DROVER" cron add x --schedule @daily 2>err &&
	test_grep "needs the drover command" err &&
	test_path_is_missing cron.d/drover-x
'

test_expect_success 'cron remove deletes the file; a second remove fails' '
	"$DROVER" cron remove patch >out &&
	test_grep "^removed $TRASH/cron.d/drover-patch$" out &&
	test_path_is_missing cron.d/drover-patch &&
	test_path_is_file cron.d/other-job &&
	test_expect_code 1 "$DROVER" cron remove patch 2>err &&
	test_grep "no drover cron job '\''patch'\''" err
'

test_expect_success '--crontab: a marked line in the crontab, other lines kept' '
	printf "# mine\n5 5 * * * echo mine\n" >crontab &&
	"$DROVER" cron add --crontab weekly --schedule "0 4 * * sun" -- adhoc all -m ping >out &&
	test_grep "^added crontab job weekly$" out &&
	test_grep "^5 5 \* \* \* echo mine$" crontab &&
	test_grep "^# drover-cron:weekly$" crontab &&
	test_grep -F "0 4 * * sun cd '\''$TRASH'\'' && exec " crontab &&
	test_grep -F -- "--lock --log" crontab &&
	"$DROVER" cron add --crontab weekly --schedule "0 5 * * sun" -- adhoc all -m ping >out &&
	test_grep "^updated crontab job weekly$" out &&
	test $(grep -c "drover-cron:weekly" crontab) -eq 1 &&
	test_grep -F "0 5 * * sun " crontab &&
	"$DROVER" cron list --crontab >list &&
	test_grep -E "^weekly +0 5 \* \* sun cd " list &&
	"$DROVER" cron remove --crontab weekly &&
	test_grep -v "drover" crontab &&
	test "$(cat crontab)" = "$(printf "# mine\n5 5 * * * echo mine")"
'

test_expect_success '--crontab with no crontab yet; --user needs root cron.d' '
	rm -f crontab &&
	"$DROVER" cron add --crontab first --schedule @hourly -- adhoc all -m ping &&
	test $(wc -l <crontab) -eq 2 &&
	test_expect_code 5 "$DROVER" cron add --crontab x --user bob --schedule @hourly -- adhoc all 2>err &&
	test_grep "user needs root" err
'

test_done

# drover module: cron
# short: Manage named entries of a user's crontab or of a file in /etc/cron.d
# description: Each entry is two lines, "#Ansible: NAME" then the job line,
#   exactly as Ansible writes them, so drover and Ansible manage the same
#   entries. A user's crontab is read with `crontab -l` and installed with
#   `crontab` (which checks it); a cron_file is written directly. An entry is
#   replaced in place when it differs and appended when new. With state=absent
#   and cron_file the whole file goes (as Ansible does). Check mode predicts;
#   with _ansible_diff the result has the before/after text. Not
#   implemented: env, insertafter/insertbefore, backup.
# option: name type=str required  The entry's name (the text after "#Ansible: ").
# option: job type=str  The command to run; required with state=present.
# option: state type=str default=present  present or absent.
# option: minute type=str default=*  Minute (0-59, */N, lists).
# option: hour type=str default=*  Hour (0-23).
# option: day type=str default=*  Day of the month (1-31).
# option: month type=str default=*  Month (1-12).
# option: weekday type=str default=*  Day of the week (0-6, Sunday is 0).
# option: special_time type=str  Instead of the times: annually, daily,
#   hourly, monthly, reboot, weekly or yearly.
# option: disabled type=bool default=false  Write the job line commented out.
# option: user type=str  Whose crontab (default: the login user's); with
#   cron_file, the user the job runs as (required then).
# option: cron_file type=str  A file under /etc/cron.d (or an absolute path)
#   instead of a user's crontab.
# example: drover adhoc all -i hosts -m cron -a 'name=backup minute=0 hour=3 job="/usr/local/bin/backup"'
# example: drover adhoc all -i hosts -m cron -a 'name=backup state=absent'

check=${_ansible_check_mode:-false}

# json_str_nl TEXT: TEXT plus a final newline as a JSON string (json_str
# cannot end in a newline: it goes through $(...)).
json_str_nl() {
	_j=$(json_str "$1")
	printf '%s\\n"' "${_j%\"}"
}

# json_text FILE: the file's text as a JSON string ("" when empty).
json_text() {
	if [ -s "$1" ]; then json_str_nl "$(cat "$1")"; else printf '""'; fi
}
diff=${_ansible_diff:-false}

case $state in
present | absent) ;;
*) drover_fail "value of state must be one of: absent, present, got: $state" ;;
esac
case $special_time in
'' | annually | daily | hourly | monthly | reboot | weekly | yearly) ;;
*) drover_fail "value of special_time must be one of: annually, daily, hourly, monthly, reboot, weekly, yearly, got: $special_time" ;;
esac
if [ -n "$special_time" ]; then
	for _f in "$minute" "$hour" "$day" "$month" "$weekday"; do
		[ "$_f" = '*' ] || drover_fail "You must specify time and date fields or special time."
	done
fi
if [ "$state" = present ] && [ -z "$job" ]; then
	drover_fail "You must specify 'job' to install a new cron job or variable"
fi
if [ -n "$cron_file" ] && [ -z "$user" ]; then
	drover_fail "To use cron_file=... parameter you must specify user=... as well"
fi
case $name in *'
'*) drover_fail "name must be one line" ;; esac
case $job in *'
'*) drover_fail "job must be one line" ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/drover-cron.XXXXXX") || drover_fail "cannot create a temporary folder"
trap 'rm -rf "$tmp"' EXIT

if [ -n "$cron_file" ]; then
	case $cron_file in
	/*) path=$cron_file ;;
	*) path=/etc/cron.d/$cron_file ;;
	esac
	header=$path
	[ -f "$path" ] && cat "$path" >"$tmp/old"
else
	command -v crontab >/dev/null 2>&1 || drover_fail "Failed to find required executable \"crontab\" in paths: $PATH"
	header="crontab"
	if [ -n "$user" ]; then
		crontab -l -u "$user" >"$tmp/old" 2>"$tmp/err" || : >"$tmp/old"
	else
		crontab -l >"$tmp/old" 2>"$tmp/err" || : >"$tmp/old"
	fi
fi
[ -f "$tmp/old" ] || : >"$tmp/old"

result() { # changed
	r="{\"changed\": $1"
	[ -n "$cron_file" ] && r="$r, \"cron_file\": $(json_str "$cron_file")"
	r="$r, \"envs\": [], \"jobs\": ["
	_sep=
	while IFS= read -r _j; do
		r="$r$_sep$(json_str "$_j")"
		_sep=", "
	done <<-END
	$(sed -n 's/^#Ansible: //p' "$tmp/new")
	END
	r="$r]"
	if [ "$diff" = true ]; then
		r="$r, \"diff\": {\"before\": $(json_text "$tmp/old"), \"after\": $(json_text "$tmp/new"), \"before_header\": $(json_str "$header"), \"after_header\": $(json_str "$header")}"
	fi
	drover_exit "$r}"
}

# Ansible removes a whole cron_file for state=absent.
if [ -n "$cron_file" ] && [ "$state" = absent ]; then
	changed=false
	if [ -e "$path" ]; then
		changed=true
		[ "$check" = true ] || rm -f "$path" || drover_fail "cannot remove $path"
	fi
	drover_exit "{\"changed\": $changed, \"cron_file\": $(json_str "$cron_file"), \"state\": \"absent\"}"
fi

if [ -n "$special_time" ]; then
	when="@$special_time"
else
	when="$minute $hour $day $month $weekday"
fi
line=$when
[ -n "$cron_file" ] && line="$line $user"
line="$line $job"
[ "$disabled" = true ] && line="#$line"

absent=0
[ "$state" = absent ] && absent=1
CRON_MARK="#Ansible: $name" CRON_LINE=$line CRON_ABSENT=$absent awk '
	BEGIN { mark = ENVIRON["CRON_MARK"]; line = ENVIRON["CRON_LINE"]; absent = ENVIRON["CRON_ABSENT"] == "1" }
	skip { skip = 0; next }
	$0 == mark { found = 1; skip = 1; if (!absent) { print; print line }; next }
	{ print }
	END { if (!found && !absent) { print mark; print line } }
' "$tmp/old" >"$tmp/new"

if cmp -s "$tmp/old" "$tmp/new"; then
	result false
fi
[ "$check" = true ] && result true
if [ -n "$cron_file" ]; then
	cat "$tmp/new" >"$tmp/file" && chmod 644 "$tmp/file" &&
		mv -f "$tmp/file" "$path" || drover_fail "cannot write $path"
elif [ -n "$user" ]; then
	crontab -u "$user" "$tmp/new" 2>"$tmp/err" || drover_fail "$(cat "$tmp/err")"
else
	crontab "$tmp/new" 2>"$tmp/err" || drover_fail "$(cat "$tmp/err")"
fi
result true

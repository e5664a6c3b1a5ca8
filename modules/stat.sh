# drover module: stat
# short: Facts about a path: kind, mode, owner, size, times, checksum
# description: Returns "stat" as Ansible's stat module does (exists, isdir,
#   isreg, islnk, mode as "0644", uid, gid, pw_name, gr_name, size, mtime,
#   atime, ctime, inode, nlink, the permission booleans, checksum,
#   lnk_source and lnk_target for links). It changes nothing. Unlike
#   Ansible's it reports no mimetype, charset or attributes (the host needs
#   nothing but coreutils).
# uses: _files
# option: path type=path required aliases=dest,name  The path to look at.
# option: follow type=bool default=false  Look at what a link points to.
# option: get_checksum type=bool default=true  Add the file's checksum.
# option: checksum_algorithm type=str default=sha1 aliases=checksum,checksum_algo choices=md5,sha1,sha224,sha256,sha384,sha512  Checksum to compute.
# option: get_mime type=bool default=true  Accepted for compatibility; no effect.
# option: get_attributes type=bool default=true  Accepted for compatibility; no effect.
# example: drover adhoc all -i hosts -m stat -a 'path=/etc/motd'

L=
is_true "$follow" && L=-L
if [ ! -e "$path" ] && [ ! -L "$path" ]; then
	drover_exit '{"changed": false, "stat": {"exists": false}}'
fi
if [ -n "$L" ] && [ ! -e "$path" ]; then
	drover_exit '{"changed": false, "stat": {"exists": false}}'
fi

# times with their fractions where stat can give them (coreutils), else whole seconds
times=$(stat $L -c '%.9X %.9Y %.9Z' "$path" 2>/dev/null) || times=
case $times in *.*) ;; *) times=$(stat $L -c '%X %Y %Z' "$path") ;; esac
set -- $(stat $L -c '%d %i %h %u %g %f %s %b %B %t %T' "$path") $times
dev=$1 ino=$2 nlink=$3 uid=$4 gid=$5 raw=$((0x$6)) size=$7 blocks=$8 bsize=$9
shift 9
major=$((0x$1)) minor=$((0x$2)) atime=$3 mtime=$4 ctime=$5
type=$((raw & 0170000))

b() { if [ $((raw & $1)) -ne 0 ]; then printf true; else printf false; fi; }
t() { if [ "$type" -eq "$1" ]; then printf true; else printf false; fi; }
can() { if [ "$1" "$path" ]; then printf true; else printf false; fi; }

r="\"exists\": true, \"path\": $(json_str "$path"), \"mode\": \"$(printf '%04o' $((raw & 07777)))\""
r="$r, \"isdir\": $(t 16384), \"ischr\": $(t 8192), \"isblk\": $(t 24576), \"isreg\": $(t 32768)"
r="$r, \"isfifo\": $(t 4096), \"islnk\": $(t 40960), \"issock\": $(t 49152)"
r="$r, \"uid\": $uid, \"gid\": $gid, \"size\": $size, \"inode\": $ino, \"dev\": $dev, \"nlink\": $nlink"
r="$r, \"atime\": $atime, \"mtime\": $mtime, \"ctime\": $ctime"
r="$r, \"wusr\": $(b 128), \"rusr\": $(b 256), \"xusr\": $(b 64)"
r="$r, \"wgrp\": $(b 16), \"rgrp\": $(b 32), \"xgrp\": $(b 8)"
r="$r, \"woth\": $(b 2), \"roth\": $(b 4), \"xoth\": $(b 1)"
r="$r, \"isuid\": $(b 2048), \"isgid\": $(b 1024)"
r="$r, \"blocks\": $blocks, \"block_size\": $bsize, \"device_type\": $((major * 256 + minor))"
r="$r, \"readable\": $(can -r), \"writeable\": $(can -w), \"executable\": $(can -x)"
r="$r, \"pw_name\": $(json_str "$(stat $L -c %U "$path")"), \"gr_name\": $(json_str "$(stat $L -c %G "$path")")"
if [ -L "$path" ] && [ -z "$L" ]; then
	r="$r, \"lnk_source\": $(json_str "$(readlink -f "$path")"), \"lnk_target\": $(json_str "$(readlink "$path")")"
fi
if [ "$type" -eq 32768 ] && is_true "$get_checksum" && [ -r "$path" ]; then
	sum=$("${checksum_algorithm}sum" <"$path" | cut -d' ' -f1) ||
		drover_fail "could not compute the $checksum_algorithm checksum of $path"
	r="$r, \"checksum\": \"$sum\""
fi
drover_exit "{\"changed\": false, \"stat\": {$r}}"

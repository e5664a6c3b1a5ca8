# drover module: fetch
# short: Copy a file from the hosts to the controller
# description: The host sends the file in base64 with its SHA-1; the
#   controller (transfer_store_fetch) writes it to dest/HOST/SRC, or to
#   dest itself with flat=yes (dest ending in / then takes the file's name),
#   through a temp file and a rename, and only when its checksum differs.
#   The opposite of copy; for files, not folders.
# uses: _files
# option: src type=str required  The file on the host.
# option: dest type=str required  Folder (or, with flat, file) on the controller.
# option: flat type=bool default=false  Write to dest itself, without HOST/SRC.
# option: fail_on_missing type=bool default=true  Fail when src does not exist.
# option: validate_checksum type=bool default=true  Check the bytes that arrived
#   against the host's checksum.
# example: drover adhoc all -i hosts -m fetch -a 'src=/etc/os-release dest=collected'

if [ -d "$src" ]; then
	drover_fail "remote file is a directory, fetch cannot work on directories"
elif [ ! -e "$src" ]; then
	msg="the remote file does not exist, not transferring, ignored"
	is_true "$fail_on_missing" && drover_fail "$msg"
	drover_exit "{\"changed\": false, \"file\": $(json_str "$src"), \"msg\": \"$msg\"}"
elif [ ! -r "$src" ]; then
	drover_fail "file is not readable: $src"
fi
drover_exit "{\"changed\": false, \"content\": \"$(b64 "$src")\", \"encoding\": \"base64\", \"file\": $(json_str "$src"), \"checksum\": \"$(sha1_of "$src")\"}"

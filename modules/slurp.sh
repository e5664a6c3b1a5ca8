# drover module: slurp
# short: Read a file on the host and return its bytes in base64
# description: The result's content is the file in base64 (encoding
#   "base64", source the path), as Ansible's slurp; any bytes come back
#   intact. Reads the whole file into the result, so it suits small files.
# uses: _files
# option: src type=path required aliases=path  The file to read.
# example: drover adhoc all -i hosts -m slurp -a 'src=/etc/hostname'

if [ -d "$src" ]; then
	drover_fail "source is a directory and must be a file: $src"
elif [ ! -e "$src" ]; then
	drover_fail "file not found: $src"
elif [ ! -r "$src" ]; then
	drover_fail "file is not readable: $src"
fi
drover_exit "{\"changed\": false, \"content\": \"$(b64 "$src")\", \"encoding\": \"base64\", \"source\": $(json_str "$src")}"

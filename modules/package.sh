# drover module: package
# short: Install or remove packages with whatever manager the host has
# description: The controller first runs this script to learn the host's
#   package manager (apt-get, else dnf, else yum; or `use`), then runs that
#   module (apt or dnf) with the same name and state, as Ansible's package
#   action does. The backend's options beyond name and state are not
#   accepted here: call apt or dnf directly for those.
# option: name type=list required  Packages (NAME or NAME=VERSION for apt).
# option: state type=str default=present  present, latest or absent.
# option: use type=str default=auto  auto, apt, dnf or yum: the backend module.
# example: drover adhoc all -i hosts -m package -a 'name=rsync state=present'

case $use in
auto)
	if command -v apt-get >/dev/null 2>&1; then use=apt
	elif command -v dnf >/dev/null 2>&1; then use=dnf
	elif command -v yum >/dev/null 2>&1; then use=yum
	else drover_fail "package: the host has none of apt-get, dnf or yum"
	fi ;;
apt) command -v apt-get >/dev/null 2>&1 || drover_fail "package: use=apt, but the host has no apt-get" ;;
dnf | yum) command -v "$use" >/dev/null 2>&1 || drover_fail "package: use=$use, but the host has no $use" ;;
*) drover_fail "value of use must be one of: apt, auto, dnf, yum, got: $use" ;;
esac
drover_exit "{\"changed\": false, \"_drover_backend\": $(json_str "$use")}"

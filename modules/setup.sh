# drover module: setup
# short: Gather facts about the host (ansible_facts), without Python
# description: Reads /proc, /sys, /etc/os-release and /etc/passwd directly and
#   runs a handful of commands at most (date, stat -f for the mounts, ip for
#   addresses, uname where /proc lacks it), so one call costs a few
#   milliseconds on the host. Fact names and value types follow Ansible's
#   (numbers that Ansible returns as strings, such as the date and time
#   fields or the distribution version, stay strings). Not gathered: Python,
#   devices, LVM, capabilities, network speeds and interface drivers;
#   virtualization is a rough guess (container marks, DMI names, the CPU's
#   hypervisor flag); mount uuids are "N/A"; users come from /etc/passwd
#   only, and the fqdn from /etc/hosts (no DNS lookup).
# option: gather_subset type=list default=all  Which facts: all, min, hardware,
#   network (a leading ! excludes one; !all keeps only the minimal facts).
#   virtual, facter and ohai are accepted and gather nothing.
# option: filter type=list  Keep only the facts whose name matches one of these
#   shell globs (e.g. ansible_*_mb).
# option: gather_timeout type=int default=10  Accepted for compatibility; unused.
# option: fact_path type=path default=/etc/ansible/facts.d  Accepted for
#   compatibility; local facts are not read (ansible_local is empty).
# example: drover adhoc all -i hosts -m setup
# example: drover adhoc all -i hosts -m setup -a 'filter=ansible_distribution*'
# example: drover adhoc all -i hosts -m setup -a 'gather_subset=!all,network'

_hw=0 _net=0 _i=0 _subsets=
while [ "$_i" -lt "${gather_subset_n:-0}" ]; do
	eval "_s=\$gather_subset_$_i"
	_i=$((_i + 1))
	case $_s in
	all) _hw=1 _net=1 ;;
	!all) _hw=0 _net=0 ;;
	hardware) _hw=1 ;;
	!hardware) _hw=0 ;;
	network) _net=1 ;;
	!network) _net=0 ;;
	min | !min | virtual | !virtual | facter | !facter | ohai | !ohai) ;;
	*) drover_fail "Bad subset '$_s' given to drover. gather_subset options allowed: all, min, hardware, network, virtual, facter, ohai (each may be negated with !)" ;;
	esac
	_subsets="$_subsets$_s
"
done

# Mount points worth reporting (real devices and network file systems),
# as Ansible picks them; their sizes come from one stat -f call.
set --
if [ "$_hw" = 1 ] && [ -r /proc/mounts ]; then
	while read -r _dev _mnt _fs _rest; do
		case $_dev in /* | \\* | *:/*) ;; *) continue ;; esac
		[ "$_fs" = none ] && continue
		case $_mnt in *\\*) _mnt=$(printf '%b' "$_mnt") ;; esac
		set -- "$@" "$_mnt"
	done </proc/mounts
fi

{
	echo @date
	date '+%Y|%m|%d|%H|%M|%S|%s|%Z|%z|%A|%w|%W|%N'
	if [ "$#" -gt 0 ]; then
		echo @df
		stat -f -c '%s|%S|%b|%f|%a|%c|%d|%n' -- "$@" 2>/dev/null
	fi
	if [ "$_net" = 1 ]; then
		echo @ifaces
		for _f in /sys/class/net/*; do
			[ -e "$_f" ] && printf '%s\n' "${_f##*/}"
		done
		if command -v ip >/dev/null 2>&1; then
			echo @ip
			ip -o addr show 2>/dev/null
		fi
	fi
	if [ ! -r /proc/sys/kernel/ostype ]; then
		echo @uname
		uname -s
		uname -r
		uname -v
		uname -m
	elif [ ! -r /proc/sys/kernel/arch ]; then
		echo @arch
		uname -m
	fi
	echo @subset
	printf '%s' "$_subsets"
	echo @filter
	_i=0
	while [ "$_i" -lt "${filter_n:-0}" ]; do
		eval "printf '%s\n' \"\$filter_$_i\""
		_i=$((_i + 1))
	done
	if command -v lsb_release >/dev/null 2>&1; then
		echo @lsb
	fi
	# a chroot: / is not init's root (only root may look at init's)
	if [ -r /proc/1/root/. ]; then
		[ / -ef /proc/1/root/. ] || echo @chroot
	fi
	[ -f /.dockerenv ] && echo @dockerenv
	[ -f /run/.containerenv ] && echo @containerenv
	[ -d /run/systemd/system ] && echo @systemd
	[ -x /sbin/openrc ] && echo @openrc
	[ -d /etc/init.d ] && echo @initd
	for _pm in dnf yum zypper apk pacman emerge pkg xbps-install opkg; do
		command -v "$_pm" >/dev/null 2>&1 && echo "@pm $_pm"
	done
} | LC_ALL=C awk -v hw="$_hw" -v net="$_net" -v marker="$_drover_marker" '
function js(s,   r, i, c, n, o, need) {
	if (s !~ BAD)
		return "\"" s "\""
	r = ""
	n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		o = ORD[c]
		if (c == "\"" || c == "\\") r = r "\\" c
		else if (o < 32 || o == 127) r = r sprintf("\\u%04x", o)
		else if (o < 128) r = r c
		else {
			need = o >= 194 && o <= 223 ? 1 : o >= 224 && o <= 239 ? 2 : o >= 240 && o <= 244 ? 3 : -1
			if (need > 0 && utf8_tail(s, i + 1, need)) {
				r = r substr(s, i, need + 1)
				i += need
			} else
				r = r "\\ufffd"
		}
	}
	return "\"" r "\""
}
function utf8_tail(s, at, need,   k, o) {
	for (k = 0; k < need; k++) {
		o = ORD[substr(s, at + k, 1)]
		if (o < 128 || o > 191) return 0
	}
	return 1
}
function put(k, v) { if (!(k in F)) ORDER[++NF_] = k; F[k] = v }
function puts_(k, v) { put(k, js(v)) }
function readline(file,   l) { l = ""; if ((getline l < file) <= 0) l = ""; close(file); return l }
function unq(v) { gsub(/^["\047]|["\047]$/, "", v); return v }
function obj(a, keys,   n, i, k, r) {
	n = split(keys, k, " ")
	r = ""
	for (i = 1; i <= n; i++)
		r = r (i > 1 ? ", " : "") js(k[i]) ": " a[k[i]]
	return "{" r "}"
}
function glob2re(g,   r, i, c, n) {
	r = "^"
	n = length(g)
	for (i = 1; i <= n; i++) {
		c = substr(g, i, 1)
		if (c == "*") r = r ".*"
		else if (c == "?") r = r "."
		else if (c == "[" || c == "]") r = r c
		else if (index("\\^$.|+(){}", c)) r = r "\\" c
		else r = r c
	}
	return r "$"
}
function dotted(n) {
	return int(n / 16777216) % 256 "." int(n / 65536) % 256 "." int(n / 256) % 256 "." n % 256
}
function ip2n(a,   p) { split(a, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
function hexip(h) {   # /proc/net/route: little-endian hex
	return hexb(substr(h, 7, 2)) "." hexb(substr(h, 5, 2)) "." hexb(substr(h, 3, 2)) "." hexb(substr(h, 1, 2))
}
function hexb(h) { return index("0123456789ABCDEF", toupper(substr(h, 1, 1))) * 16 - 16 + index("0123456789ABCDEF", toupper(substr(h, 2, 1))) - 1 }
BEGIN {
	for (i = 1; i < 256; i++) ORD[sprintf("%c", i)] = i
	BAD = sprintf("[\"\\\\%c-%c%c-%c]", 1, 31, 127, 255)
}
/^@/ { sec = substr($0, 2); if (sec ~ /^pm /) PM[substr(sec, 4)] = 1; else SEEN[sec] = 1; next }
sec == "date" { DATE = $0 }
sec == "df" { DF[++ndf] = $0 }
sec == "ip" { IPL[++nip] = $0 }
sec == "ifaces" { IFS_[++nif] = $0 }
sec == "uname" { UN[++nun] = $0 }
sec == "arch" { ARCH = $0 }
sec == "subset" && $0 != "" { SUB[++nsub] = $0 }
sec == "filter" && $0 != "" { FILT[++nfilt] = glob2re($0) }
END {
	platform(); datetime(); distribution(); user(); envfacts(); misc()
	if (hw) { memory(); cpu(); mounts() }
	virtual()
	if (net) network()
	emit()
}
function platform(  k) {
	if (nun) { SYS = UN[1]; put("ansible_system", js(UN[1])); puts_("ansible_kernel", UN[2]); puts_("ansible_kernel_version", UN[3]); ARCH = UN[4] }
	else {
		SYS = readline("/proc/sys/kernel/ostype")
		puts_("ansible_system", SYS)
		puts_("ansible_kernel", readline("/proc/sys/kernel/osrelease"))
		puts_("ansible_kernel_version", readline("/proc/sys/kernel/version"))
		if (ARCH == "") ARCH = readline("/proc/sys/kernel/arch")
	}
	puts_("ansible_machine", ARCH)
	k = ARCH
	if (k ~ /^i[3-6]86$/) k = "i386"
	puts_("ansible_architecture", k)
	puts_("ansible_userspace_architecture", k)
	HOST = readline("/proc/sys/kernel/hostname")
	if (HOST == "") HOST = ENVIRON["HOSTNAME"]
	puts_("ansible_nodename", HOST)
	k = HOST; sub(/\..*/, "", k)
	puts_("ansible_hostname", k)
	fqdn()
	puts_("ansible_machine_id", readline("/etc/machine-id"))
}
# The name the resolver gives the host: its address in /etc/hosts, then the
# first name of the line for that address with a dot (else the first name).
function fqdn(   l, f, n, i, addr, best) {
	addr = ""
	while ((getline l < "/etc/hosts") > 0) {
		sub(/#.*/, "", l)
		n = split(l, f)
		for (i = 2; i <= n && addr == ""; i++) if (f[i] == HOST) addr = f[1]
	}
	close("/etc/hosts")
	best = HOST
	if (addr != "") {
		while ((getline l < "/etc/hosts") > 0) {
			sub(/#.*/, "", l)
			n = split(l, f)
			if (f[1] != addr) continue
			best = f[2]
			for (i = 2; i <= n; i++) if (index(f[i], ".")) { best = f[i]; break }
			break
		}
		close("/etc/hosts")
	}
	puts_("ansible_fqdn", best)
	i = index(best, ".")
	puts_("ansible_domain", i ? substr(best, i + 1) : "")
}
function datetime(   d, a, e, days, y, m, dd, era, doe, yoe, doy, mp, s, us) {
	split(DATE, d, "|")
	us = d[13] ~ /^[0-9]+$/ ? substr(d[13] "000000", 1, 6) : "000000"
	e = d[7] + 0
	a["year"] = js(d[1]); a["month"] = js(d[2]); a["day"] = js(d[3])
	a["hour"] = js(d[4]); a["minute"] = js(d[5]); a["second"] = js(d[6])
	a["epoch"] = js(d[7]); a["epoch_int"] = js(d[7]); a["tz"] = js(d[8]); a["tz_dst"] = js(d[8])
	a["tz_offset"] = js(d[9]); a["weekday"] = js(d[10]); a["weekday_number"] = js(d[11])
	a["weeknumber"] = js(d[12])
	a["date"] = js(d[1] "-" d[2] "-" d[3]); a["time"] = js(d[4] ":" d[5] ":" d[6])
	a["iso8601_basic"] = js(d[1] d[2] d[3] "T" d[4] d[5] d[6] us)
	a["iso8601_basic_short"] = js(d[1] d[2] d[3] "T" d[4] d[5] d[6])
	# UTC from the epoch (days to civil date, proleptic Gregorian)
	days = int(e / 86400); s = e - days * 86400
	days += 719468; era = int(days / 146097); doe = days - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153); dd = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9; if (m <= 2) y++
	s = sprintf("%04d-%02d-%02dT%02d:%02d:%02d", y, m, dd, int(s / 3600), int(s / 60) % 60, s % 60)
	a["iso8601"] = js(s "Z"); a["iso8601_micro"] = js(s "." us "Z")
	put("ansible_date_time", obj(a, "date day epoch epoch_int hour iso8601 iso8601_basic iso8601_basic_short iso8601_micro minute month second time tz tz_dst tz_offset weekday weekday_number weeknumber year"))
}
function osrel(file,   l, k, v) {
	while ((getline l < file) > 0) {
		k = l; sub(/=.*/, "", k); v = substr(l, length(k) + 2)
		OS[k] = unq(v)
	}
	close(file)
}
function distribution(   id, name, fam, ver, maj, rel, dv, n, p, lsb) {
	osrel("/etc/os-release")
	if (!("ID" in OS)) osrel("/usr/lib/os-release")
	id = OS["ID"]
	name = id == "debian" ? "Debian" : id == "ubuntu" ? "Ubuntu" : id == "centos" ? "CentOS" : \
		id == "rhel" ? "RedHat" : id == "fedora" ? "Fedora" : id == "rocky" ? "Rocky" : \
		id == "almalinux" ? "AlmaLinux" : id == "ol" ? "OracleLinux" : id == "amzn" ? "Amazon" : \
		id == "alpine" ? "Alpine" : id == "arch" ? "Archlinux" : id == "sles" ? "SLES" : \
		id == "opensuse-leap" ? "openSUSE Leap" : id == "opensuse-tumbleweed" ? "openSUSE Tumbleweed" : \
		id == "gentoo" ? "Gentoo" : id == "linuxmint" ? "Linux Mint" : id == "raspbian" ? "Debian" : \
		id == "kali" ? "Kali" : id == "devuan" ? "Devuan" : id == "manjaro" ? "Manjaro" : \
		id == "void" ? "Void" : id == "" ? SYS : toupper(substr(id, 1, 1)) substr(id, 2)
	fam = name ~ /^(Debian|Ubuntu|Kali|Devuan|Linux Mint|Raspbian|Pop!_OS)$/ ? "Debian" : \
		name ~ /^(RedHat|CentOS|Fedora|Rocky|AlmaLinux|OracleLinux|Amazon|Scientific)$/ ? "RedHat" : \
		name ~ /^(SLES|openSUSE.*|SUSE)$/ ? "Suse" : name ~ /^(Archlinux|Manjaro)$/ ? "Archlinux" : \
		name == "Alpine" ? "Alpine" : name == "Gentoo" ? "Gentoo" : name
	ver = OS["VERSION_ID"]; rel = OS["VERSION_CODENAME"]
	if (name == "Debian") {
		dv = readline("/etc/debian_version")
		if (dv ~ /^[0-9]/) ver = dv
	} else if (name == "Alpine") {
		dv = readline("/etc/alpine-release")
		if (dv != "") ver = dv
	}
	if (ver == "") ver = "NA"
	if (rel == "") rel = name == "Ubuntu" ? OS["UBUNTU_CODENAME"] : "NA"
	if (rel == "") rel = "NA"
	n = split(ver, p, ".")
	puts_("ansible_distribution", name); puts_("ansible_os_family", fam)
	puts_("ansible_distribution_version", ver); puts_("ansible_distribution_major_version", p[1])
	if (n > 1) puts_("ansible_distribution_minor_version", p[2])
	puts_("ansible_distribution_release", rel)
	puts_("ansible_distribution_file_path", "/etc/os-release")
	puts_("ansible_distribution_file_variety", fam)
	put("ansible_distribution_file_parsed", "true")
	pkgmgr(fam, name)
	if ("lsb" in SEEN) {
		lsb["id"] = js(OS["NAME"] ~ /^Debian/ ? "Debian" : name)
		lsb["description"] = js(OS["PRETTY_NAME"]); lsb["release"] = js(OS["VERSION_ID"])
		lsb["codename"] = js(OS["VERSION_CODENAME"]); split(OS["VERSION_ID"], p, ".")
		lsb["major_release"] = js(p[1])
		put("ansible_lsb", obj(lsb, "codename description id major_release release"))
	} else put("ansible_lsb", "{}")
}
function pkgmgr(fam, name,   pm) {
	pm = fam == "Debian" ? "apt" : fam == "Suse" ? "zypper" : fam == "Alpine" ? "apk" : \
		fam == "Archlinux" ? "pacman" : fam == "Gentoo" ? "portage" : ""
	if (fam == "RedHat") pm = ("dnf" in PM) ? "dnf" : "yum"
	if (pm == "") pm = ("dnf" in PM) ? "dnf" : ("yum" in PM) ? "yum" : ("zypper" in PM) ? "zypper" : \
		("apk" in PM) ? "apk" : ("pacman" in PM) ? "pacman" : ("emerge" in PM) ? "portage" : \
		("pkg" in PM) ? "pkgng" : ("xbps-install" in PM) ? "xbps" : ("opkg" in PM) ? "opkg" : "unknown"
	puts_("ansible_pkg_mgr", pm)
	servicemgr()
}
function servicemgr(   p1) {
	p1 = readline("/proc/1/comm")
	sub(/.*\//, "", p1)
	if (p1 == "init" || p1 ~ /sh$/) p1 = ""
	if (p1 == "runit-init" || p1 == "runit") p1 = "runit"
	if (p1 == "openrc-init") p1 = "openrc"
	if (p1 == "") p1 = ("systemd" in SEEN) ? "systemd" : ("openrc" in SEEN) ? "openrc" : ("initd" in SEEN) ? "sysvinit" : "service"
	puts_("ansible_service_mgr", p1)
}
function status_ids(   l, f) {
	while ((getline l < "/proc/self/status") > 0) {
		split(l, f)
		if (f[1] == "Uid:") { RUID = f[2]; EUID = f[3] }
		if (f[1] == "Gid:") { RGID = f[2]; EGID = f[3] }
	}
	close("/proc/self/status")
}
function user(   name, l, f, uid) {
	status_ids()
	name = ENVIRON["LOGNAME"]; if (name == "") name = ENVIRON["USER"]
	while ((getline l < "/etc/passwd") > 0) {
		split(l, f, ":")
		if ((name != "" && f[1] == name) || (name == "" && f[3] == EUID)) { PW = l; break }
	}
	close("/etc/passwd")
	split(PW, f, ":")
	if (name == "") name = f[1]
	puts_("ansible_user_id", name)
	if (PW != "") {
		put("ansible_user_uid", f[3] + 0); put("ansible_user_gid", f[4] + 0)
		puts_("ansible_user_gecos", f[5]); puts_("ansible_user_dir", f[6]); puts_("ansible_user_shell", f[7])
	}
	if (RUID != "") {
		put("ansible_real_user_id", RUID + 0); put("ansible_effective_user_id", EUID + 0)
		put("ansible_real_group_id", RGID + 0); put("ansible_effective_group_id", EGID + 0)
	}
}
function envfacts(   k, r, n) {
	r = ""; n = 0
	for (k in ENVIRON) {
		if (k == "AWKPATH" || k == "AWKLIBPATH") continue
		r = r (n++ ? ", " : "") js(k) ": " js(ENVIRON[k])
	}
	put("ansible_env", "{" r "}")
}
function misc(   l, f, n, i, r, a, s, k, v) {
	l = readline("/proc/uptime"); split(l, f, " ")
	if (l != "") put("ansible_uptime_seconds", int(f[1]))
	l = readline("/proc/loadavg")
	if (l != "") { split(l, f, " "); put("ansible_loadavg", "{\"1m\": " f[1] + 0 ", \"5m\": " f[2] + 0 ", \"15m\": " f[3] + 0 "}") }
	l = readline("/sys/fs/selinux/enforce")
	put("ansible_selinux", l == "" ? "{\"status\": \"disabled\"}" : "{\"status\": \"enabled\", \"mode\": " (l == "1" ? "\"enforcing\"" : "\"permissive\"") "}")
	l = readline("/sys/module/apparmor/parameters/enabled")
	put("ansible_apparmor", "{\"status\": " (l == "Y" ? "\"enabled\"" : "\"disabled\"") "}")
	put("ansible_fips", readline("/proc/sys/crypto/fips_enabled") == "1" ? "true" : "false")
	cmdline()
	dns()
	for (i = 1; i <= 4; i++) {
		k = i == 1 ? "rsa" : i == 2 ? "ecdsa" : i == 3 ? "ed25519" : "dsa"
		l = readline("/etc/ssh/ssh_host_" k "_key.pub")
		if (l == "") continue
		split(l, f, " ")
		puts_("ansible_ssh_host_key_" k "_public", f[2]); puts_("ansible_ssh_host_key_" k "_public_keytype", f[1])
	}
	put("ansible_local", "{}")
	put("ansible_is_chroot", ("chroot" in SEEN) ? "true" : "false")
	l = readline("/etc/iscsi/initiatorname.iscsi"); sub(/^InitiatorName=/, "", l)
	puts_("ansible_iscsi_iqn", l)
	puts_("ansible_hostnqn", readline("/etc/nvme/hostnqn"))
	dmi()
	r = ""
	for (i = 1; i <= nsub; i++) r = r (i > 1 ? ", " : "") js(SUB[i])
	put("gather_subset", "[" r "]")
	put("module_setup", "true")
}
# Two forms, as Ansible has: cmdline keeps the last value of a key, proc_cmdline
# a list of every value when a key repeats.
function dmi(   d, n, f, i, v, t) {
	d = "/sys/class/dmi/id/"
	n = split("bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version product_name product_serial product_uuid product_version sys_vendor", f, " ")
	for (i = 1; i <= n; i++) {
		v = readline(d f[i])
		puts_(f[i] == "sys_vendor" ? "ansible_system_vendor" : "ansible_" f[i], v == "" ? "NA" : v)
	}
	split("Other,Unknown,Desktop,Low_Profile_Desktop,Pizza_Box,Mini_Tower,Tower,Portable,Laptop,Notebook,Hand_Held,Docking_Station,All_In_One,Sub_Notebook,Space-saving,Lunch_Box,Main_Server_Chassis,Expansion_Chassis,Sub_Chassis,Bus_Expansion_Chassis,Peripheral_Chassis,RAID_Chassis,Rack_Mount_Chassis,Sealed-case_PC,Multi-system,CompactPCI,AdvancedTCA,Blade,Blade_Enclosure,Tablet,Convertible,Detachable,IoT_Gateway,Embedded_PC,Mini_PC,Stick_PC", t, ",")
	v = readline(d "chassis_type")
	v = v ~ /^[0-9]+$/ && (v + 0) in t ? t[v + 0] : "NA"
	gsub(/_/, " ", v)
	puts_("ansible_form_factor", v)
	v = ARCH ~ /64/ || ARCH == "s390x" ? "64" : "32"
	puts_("ansible_userspace_bits", v)
	put("ansible_lvm", "\"N/A\"")
}
# A rough guess, as Ansible makes it: container marks first, then the DMI
# names of common hypervisors, then the CPU hypervisor flag.
function virtual(   t, l, pn, sv, g) {
	t = ""
	if ("dockerenv" in SEEN) t = "docker"
	else if ("containerenv" in SEEN) t = "podman"
	else {
		while ((getline l < "/proc/1/cgroup") > 0) {
			if (l ~ /docker/) { t = "docker"; break }
			if (l ~ /lxc/) { t = "lxc"; break }
			if (l ~ /kubepods/) { t = "container"; break }
		}
		close("/proc/1/cgroup")
	}
	g = t == "" ? "" : js(t) ", \"container\""
	if (t == "") {
		pn = readline("/sys/class/dmi/id/product_name"); sv = readline("/sys/class/dmi/id/sys_vendor")
		if (pn ~ /KVM|Bochs/ || sv ~ /QEMU/ || sv == "Amazon EC2") t = "kvm"
		else if (pn ~ /VMware/) t = "VMware"
		else if (pn ~ /VirtualBox/) t = "virtualbox"
		else if (pn == "Virtual Machine" && sv ~ /Microsoft/) t = "VirtualPC"
		else if (sv ~ /Xen/) t = "xen"
		else if (HYPERVISOR) t = "kvm"
		if (t != "") g = js(t)
	}
	puts_("ansible_virtualization_type", t == "" ? "NA" : t)
	puts_("ansible_virtualization_role", t == "" ? "NA" : "guest")
	put("ansible_virtualization_tech_guest", "[" g "]")
	put("ansible_virtualization_tech_host", "[]")
}
function cmdline(   l, n, f, i, k, v, r, p, last, all, cnt, ord, no) {
	l = readline("/proc/cmdline")
	n = split(l, f, " "); no = 0
	for (i = 1; i <= n; i++) {
		k = f[i]; v = "true"
		if (index(k, "=")) { v = js(substr(k, index(k, "=") + 1)); k = substr(k, 1, index(k, "=") - 1) }
		if (!(k in cnt)) ord[++no] = k
		last[k] = v; all[k] = all[k] (cnt[k]++ ? ", " : "") v
	}
	r = ""; p = ""
	for (i = 1; i <= no; i++) {
		k = ord[i]
		r = r (i > 1 ? ", " : "") js(k) ": " last[k]
		p = p (i > 1 ? ", " : "") js(k) ": " (cnt[k] > 1 ? "[" all[k] "]" : last[k])
	}
	put("ansible_cmdline", "{" r "}"); put("ansible_proc_cmdline", "{" p "}")
}
function dns(   l, f, ns, sr, r) {
	ns = ""; sr = ""; r = ""
	while ((getline l < "/etc/resolv.conf") > 0) {
		split(l, f)
		if (f[1] == "nameserver") ns = ns (ns == "" ? "" : ", ") js(f[2])
		else if (f[1] == "domain") r = "\"domain\": " js(f[2])
		else if (f[1] == "search") { for (i = 2; f[i] != ""; i++) sr = sr (sr == "" ? "" : ", ") js(f[i]) }
	}
	close("/etc/resolv.conf")
	l = ""
	if (r != "") l = r
	if (ns != "") l = l (l == "" ? "" : ", ") "\"nameservers\": [" ns "]"
	if (sr != "") l = l (l == "" ? "" : ", ") "\"search\": [" sr "]"
	put("ansible_dns", "{" l "}")
}
function memory(   l, f, m, a, sw, nc, total, free) {
	while ((getline l < "/proc/meminfo") > 0) { split(l, f, "[: ]+"); m[f[1]] = int(f[2] / 1024) }
	close("/proc/meminfo")
	put("ansible_memtotal_mb", m["MemTotal"] + 0); put("ansible_memfree_mb", m["MemFree"] + 0)
	put("ansible_swaptotal_mb", m["SwapTotal"] + 0); put("ansible_swapfree_mb", m["SwapFree"] + 0)
	total = m["MemTotal"]; free = m["MemFree"]
	a["free"] = free + 0; a["total"] = total + 0; a["used"] = total - free
	nc["free"] = free + m["Buffers"] + m["Cached"]; nc["used"] = total - nc["free"]
	sw["cached"] = m["SwapCached"] + 0; sw["free"] = m["SwapFree"] + 0; sw["total"] = m["SwapTotal"] + 0
	sw["used"] = m["SwapTotal"] - m["SwapFree"]
	put("ansible_memory_mb", "{\"nocache\": " obj(nc, "free used") ", \"real\": " obj(a, "free total used") ", \"swap\": " obj(sw, "cached free total used") "}")
}
function cpu(   l, f, k, v, proc, r, phys, nphys, cores, sib, n) {
	r = ""; n = 0; nphys = 0
	while ((getline l < "/proc/cpuinfo") > 0) {
		k = l; sub(/[ \t]*:.*/, "", k); v = l; sub(/^[^:]*:[ \t]*/, "", v)
		if (k == "processor") { r = r (n++ ? ", " : "") js(v) }
		else if (k == "vendor_id" || k == "model name" || k == "Processor" || k == "cpu model") r = r ", " js(v)
		else if (k == "physical id" && !(v in phys)) { phys[v] = 1; nphys++ }
		else if (k == "cpu cores") cores = v + 0
		else if (k == "siblings") sib = v + 0
		else if (k == "flags" && v ~ /(^| )hypervisor( |$)/) HYPERVISOR = 1
	}
	close("/proc/cpuinfo")
	if (!nphys) nphys = 1
	if (!cores) cores = n / nphys
	if (!sib) sib = cores
	put("ansible_processor", "[" r "]")
	put("ansible_processor_count", nphys); put("ansible_processor_cores", cores)
	put("ansible_processor_threads_per_core", int(sib / cores)); put("ansible_processor_vcpus", int(sib / cores) * cores * nphys)
	put("ansible_processor_nproc", n)
}
function mounts(   i, j, f, l, o, dev, fs, opt, mnt, r, a, bs, fr, mp) {
	while ((getline l < "/proc/mounts") > 0) {
		split(l, f, " ")
		mp = f[2]
		while (match(mp, /\\[0-7][0-7][0-7]/))
			mp = substr(mp, 1, RSTART - 1) sprintf("%c", (substr(mp, RSTART + 1, 1) * 64 + substr(mp, RSTART + 2, 1) * 8 + substr(mp, RSTART + 3, 1))) substr(mp, RSTART + 4)
		MDEV[mp] = f[1]; MFS[mp] = f[3]; MOPT[mp] = f[4]
	}
	close("/proc/mounts")
	r = ""
	for (i = 1; i <= ndf; i++) {
		split(DF[i], f, "|")
		mnt = DF[i]; for (j = 0; j < 7; j++) mnt = substr(mnt, index(mnt, "|") + 1)
		bs = f[1]; fr = f[2]
		a["block_available"] = f[5] + 0; a["block_size"] = bs + 0; a["block_total"] = f[3] + 0
		a["block_used"] = f[3] - f[5]; a["device"] = js(MDEV[mnt]); a["fstype"] = js(MFS[mnt])
		a["inode_available"] = f[7] + 0; a["inode_total"] = f[6] + 0; a["inode_used"] = f[6] - f[7]
		a["mount"] = js(mnt); a["options"] = js(MOPT[mnt])
		a["size_available"] = sprintf("%.0f", fr * f[5]); a["size_total"] = sprintf("%.0f", fr * f[3])
		a["uuid"] = "\"N/A\""
		r = r (i > 1 ? ", " : "") obj(a, "block_available block_size block_total block_used device fstype inode_available inode_total inode_used mount options size_available size_total uuid")
	}
	put("ansible_mounts", "[" r "]")
}
function hexflags(h,   n, i) {
	n = 0; sub(/^0x/, "", h)
	for (i = 1; i <= length(h); i++) n = n * 16 + index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
	return n
}
# 32 hex digits → the compressed IPv6 text form (longest zero run as ::).
function hex6(h,   i, g, w, r, best, bl, cur, cl) {
	for (i = 0; i < 8; i++) { w = substr(h, i * 4 + 1, 4); sub(/^0+/, "", w); g[i] = w == "" ? "0" : tolower(w) }
	best = -1; bl = 0; cl = 0
	for (i = 0; i < 8; i++) {
		if (g[i] == "0") { if (!cl) cur = i; cl++; if (cl > bl) { bl = cl; best = cur } }
		else cl = 0
	}
	r = ""
	for (i = 0; i < 8; i++) {
		if (bl > 1 && i == best) { r = r "::"; i += bl - 1; continue }
		r = r (r == "" || r ~ /:$/ ? "" : ":") g[i]
	}
	return r
}
function pow2(n,   r) { r = 1; while (n-- > 0) r *= 2; return r }   # busybox awk may lack ^
function bit(n, b) { return int(n / b) % 2 }
# ip -o addr lines → V4[if] (first address), V6[if] (a JSON list), ALL4/ALL6.
function addresses(   i, f, n, ifc, a, p, pfx, m, j, k) {
	for (i = 1; i <= nip; i++) {
		n = split(IPL[i], f, " ")
		ifc = f[2]; sub(/@.*/, "", ifc)
		split(f[4], a, "/")
		if (f[3] == "inet") {
			pfx = a[2] == "" ? 32 : a[2]
			m = 0; for (j = 0; j < pfx; j++) m += pow2(31 - j)
			p = ""
			for (j = 5; j < n; j++) if (f[j] == "brd") p = f[j + 1]
			if (!(ifc in V4)) {
				V4[ifc] = "{\"address\": " js(a[1]) ", \"broadcast\": " js(p) ", \"netmask\": " js(dotted(m)) \
					", \"network\": " js(dotted(ip2n(a[1]) - ip2n(a[1]) % pow2(32 - pfx))) ", \"prefix\": " js(pfx "") "}"
				V4ADDR[ifc] = a[1]; V4MASK[ifc] = dotted(m); V4PFX[ifc] = pfx ""; V4BRD[ifc] = p
				V4NET[ifc] = dotted(ip2n(a[1]) - ip2n(a[1]) % pow2(32 - pfx))
			}
			if (a[1] !~ /^127\./) ALL4 = ALL4 (ALL4 == "" ? "" : ", ") js(a[1])
		} else if (f[3] == "inet6") {
			p = "global"
			for (j = 5; j < n; j++) if (f[j] == "scope") p = f[j + 1]
			V6[ifc] = V6[ifc] (V6[ifc] == "" ? "" : ", ") "{\"address\": " js(a[1]) ", \"prefix\": " js(a[2]) ", \"scope\": " js(p) "}"
			if (a[1] != "::1") ALL6 = ALL6 (ALL6 == "" ? "" : ", ") js(a[1])
			if (!(ifc in V6ADDR) && p == "global") { V6ADDR[ifc] = a[1]; V6PFX[ifc] = a[2] }
		}
	}
}
function iface(ifc,   d, fl, t, r, mac, k) {
	d = "/sys/class/net/" ifc "/"
	fl = hexflags(readline(d "flags")); t = readline(d "type"); mac = readline(d "address")
	IFTYPE[ifc] = t == "772" ? "loopback" : t == "1" ? "ether" : t == "768" || t == "776" ? "tunnel" : "unknown"
	IFMAC[ifc] = mac; IFMTU[ifc] = readline(d "mtu") + 0
	r = "{\"active\": " (bit(fl, 1) ? "true" : "false") ", \"device\": " js(ifc)
	if (ifc in V4) r = r ", \"ipv4\": " V4[ifc]
	if (ifc in V6) r = r ", \"ipv6\": [" V6[ifc] "]"
	if (mac != "" && t != "772") r = r ", \"macaddress\": " js(mac)
	r = r ", \"mtu\": " IFMTU[ifc] ", \"promisc\": " (bit(fl, 256) ? "true" : "false") ", \"type\": " js(IFTYPE[ifc]) "}"
	k = ifc; gsub(/[^A-Za-z0-9_]/, "_", k)
	put("ansible_" k, r)
}
function defroute(   l, f, gw, dev, r) {
	while ((getline l < "/proc/net/route") > 0) {
		split(l, f)
		if (f[2] == "00000000" && f[8] == "00000000" && dev == "") { dev = f[1]; gw = hexip(f[3]) }
	}
	close("/proc/net/route")
	r = ""
	if (dev != "" && (dev in V4ADDR)) {
		r = "\"address\": " js(V4ADDR[dev]) ", \"alias\": " js(dev) ", \"broadcast\": " js(V4BRD[dev]) \
			", \"gateway\": " js(gw) ", \"interface\": " js(dev)
		if (IFTYPE[dev] != "loopback") r = r ", \"macaddress\": " js(IFMAC[dev])
		r = r ", \"mtu\": " IFMTU[dev] ", \"netmask\": " js(V4MASK[dev]) ", \"network\": " js(V4NET[dev]) \
			", \"prefix\": " js(V4PFX[dev]) ", \"type\": " js(IFTYPE[dev])
	}
	put("ansible_default_ipv4", "{" r "}")
	dev = ""; r = ""
	while ((getline l < "/proc/net/ipv6_route") > 0) {
		split(l, f)
		if (f[1] == "00000000000000000000000000000000" && f[2] == "00" && f[10] != "lo" && dev == "") { dev = f[10]; gw = f[5] }
	}
	close("/proc/net/ipv6_route")
	if (dev != "" && (dev in V6ADDR))
		r = "\"address\": " js(V6ADDR[dev]) ", \"gateway\": " js(hex6(gw)) ", \"interface\": " js(dev) \
			", \"macaddress\": " js(IFMAC[dev]) ", \"mtu\": " IFMTU[dev] ", \"prefix\": " js(V6PFX[dev]) \
			", \"scope\": \"global\", \"type\": " js(IFTYPE[dev])
	put("ansible_default_ipv6", "{" r "}")
}
function network(   i, r) {
	addresses()
	r = ""
	for (i = 1; i <= nif; i++) { iface(IFS_[i]); r = r (i > 1 ? ", " : "") js(IFS_[i]) }
	put("ansible_interfaces", "[" r "]")
	defroute()
	put("ansible_all_ipv4_addresses", "[" ALL4 "]")
	put("ansible_all_ipv6_addresses", "[" ALL6 "]")
}
function wanted(k,   i, short) {
	if (!nfilt) return 1
	short = k; sub(/^ansible_/, "", short)
	for (i = 1; i <= nfilt; i++) if (k ~ FILT[i] || short ~ FILT[i]) return 1
	return 0
}
function emit(   i, k, r, n) {
	r = ""; n = 0
	for (i = 1; i <= NF_; i++) {
		k = ORDER[i]
		if (wanted(k)) r = r (n++ ? ", " : "") js(k) ": " F[k]
	}
	printf "\n%s{\"ansible_facts\": {%s}, \"changed\": false}\n", marker, r
}
'

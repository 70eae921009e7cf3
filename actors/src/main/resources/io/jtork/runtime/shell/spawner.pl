# jtork's task spawner (io.jtork.runtime.shell.Spawner): starts shell tasks for the node, one
# long-lived process instead of a chain of programs per task. Java cannot create a session nor
# switch users in a child it starts, so each task used to execute setpriv and setsid before its
# shell: two more programs, each paying the dynamic loader, about 1 ms of CPU apiece in a VM.
# Perl is here because perl-base is part of every Debian and Ubuntu system; only its core and
# POSIX are used.
#
# Requests, on stdin: "<length>\n" then that many bytes, fields separated by NUL:
#   spawn NUL id NUL uid NUL gid NUL cwd NUL out NUL n NUL argv[0..n-1] NUL env ("K=V")...
#   opened NUL id        (the node reads the task's output pipe: its hold on it can go)
#   kill NUL id          (SIGKILL the task and its group, if it has not ended: the node gave up on
#                         it; the helper, which has not waited for it yet, knows its pid is still its)
# Answers, on stdout, one line each: "ready" (or "unsupported <why>", and it exits),
# "started <id> <pid>", "failed <id> <why>", "exit <id> <wait status>", "lost <id> <why>". Nothing a task sends or prints ever reaches stdout: a task's
# stdin is /dev/null, its stdout and stderr the named pipe <out>, and it holds no other
# descriptor of ours (perl opens descriptors above 2 close-on-exec).
use strict;
use warnings;
use Config;
use POSIX ();

# prctl and pidfd_open have no wrapper in Perl's core; their numbers differ by architecture.
my %SYSCALLS = (x86_64 => [157, 434], aarch64 => [167, 434]);
my $arch = (POSIX::uname())[4];
my $nr = $SYSCALLS{$arch};
if (!$nr || $Config{ptrsize} != 8) { print "unsupported: no system call numbers for $arch with $Config{ptrsize}-byte pointers\n"; exit 3; }
my ($PRCTL, $PIDFD_OPEN) = @$nr;
my ($PR_SET_NO_NEW_PRIVS, $PR_GET_NO_NEW_PRIVS) = (38, 39);
# Both calls must work here (kernel 5.3 or later, no seccomp filter refusing them), or the node
# starts its tasks the other way.
my $probe = syscall($PIDFD_OPEN, 0 + $$, 0);    # a number, or syscall passes a pointer
if ($probe < 0) { print "unsupported: pidfd_open: $!\n"; exit 3; }
POSIX::close($probe);
if (syscall($PRCTL, $PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) < 0) { print "unsupported: prctl: $!\n"; exit 3; }

$| = 1;
$SIG{PIPE} = 'IGNORE';
$SIG{CHLD} = 'DEFAULT';    # were it ignored, the tasks would be reaped before their exit could be read
# The running tasks by id: {pid, fh (its pidfd), stalled}; and the output pipes held for the node.
my (%task, %hold);
my $in = '';
print "ready\n";

while (1) {
  my $rin = '';
  vec($rin, 0, 1) = 1;
  vec($rin, fileno($_->{fh}), 1) = 1 for grep { !$_->{stalled} } values %task;
  # A task that ended while traced can be waited for only once its tracer let go: looked at
  # again every tenth of a second, not in the select set (its pidfd stays readable).
  my $n = select(my $rout = $rin, undef, undef, (grep { $_->{stalled} } values %task) ? 0.1 : undef);
  if ($n < 0) {
    next if $!{EINTR};
    die "select: $!";
  }
  # A task that ended: its pidfd is readable, and waiting for it does not block.
  for my $id (keys %task) {
    my $t = $task{$id};
    next unless $t->{stalled} || vec($rout, fileno($t->{fh}), 1);
    my $w = waitpid($t->{pid}, POSIX::WNOHANG());
    if ($w == 0) { $t->{stalled} = 1; next; }
    my $status = $?;
    close($t->{fh});
    delete $task{$id};
    if ($w == $t->{pid}) { print "exit $id $status\n"; } else { print "lost $id waitpid: $!\n"; }
  }
  next unless vec($rout, 0, 1);
  my $r = sysread(STDIN, $in, 65536, length $in);
  if (!defined $r) {
    next if $!{EINTR};
    exit 0;
  }
  exit 0 if $r == 0;    # the node is gone
  while ($in =~ /\A(\d{1,9})\n/) {
    my $head = length($1) + 1;
    last if length($in) < $head + $1;
    my $frame = substr($in, $head, $1);
    substr($in, 0, $head + $1) = '';
    handle(split /\0/, $frame, -1);
  }
  die "bad request" if length($in) >= 10 && $in !~ /\A\d{1,9}\n/;
}

sub handle {
  my ($cmd, $id, @f) = @_;
  if ($cmd eq 'opened') {
    close(delete $hold{$id}) if $hold{$id};
    return;
  }
  if ($cmd eq 'kill') {
    # The group (once the child made it) and the child itself (also before its setsid).
    if (my $t = $task{$id}) { kill 'KILL', -$t->{pid}; kill 'KILL', $t->{pid}; }
    close(delete $hold{$id}) if $hold{$id};
    return;
  }
  die "unknown request" unless $cmd eq 'spawn';
  my ($uid, $gid, $cwd, $out, $argc) = splice(@f, 0, 5);
  my @argv = splice(@f, 0, $argc);
  my @env = @f;
  # The task's output: a named pipe the node opens for reading. Held open here (read and
  # write, which never blocks) until the node has opened it, so that what a short task printed
  # is still in the pipe then.
  if (!POSIX::mkfifo($out, 0600)) { print "failed $id could not create the output pipe: $!\n"; return; }
  my $h;
  if (!open($h, '+<', $out)) { print "failed $id could not open the output pipe: $!\n"; return; }
  my $pid = fork();
  if (!defined $pid) { close $h; print "failed $id could not fork: $!\n"; return; }
  child($uid, $gid, $cwd, $out, \@argv, \@env) if $pid == 0;
  my $fd = syscall($PIDFD_OPEN, $pid, 0);
  my $pfh;
  if ($fd < 0 || !open($pfh, '<&=', $fd)) {
    my $why = "$!";
    kill 'KILL', -$pid;
    kill 'KILL', $pid;
    waitpid($pid, 0);
    close $h;
    print "failed $id could not watch the task's process: $why\n";
    return;
  }
  # The child had $h until it executed the task, by when the task's stdout was open: the pipe
  # never lacks a writer before the node reads it.
  $task{$id} = { pid => $pid, fh => $pfh, stalled => 0 };
  $hold{$id} = $h;
  print "started $id $pid\n";
}

# In the forked child: never returns. Until stdout is the task's pipe nothing may be printed
# (stdout is the node's answer pipe); after, a failure is the task's output and exit code 127.
sub child {
  my ($uid, $gid, $cwd, $out, $argv, $env) = @_;
  $SIG{$_} = 'DEFAULT' for qw(PIPE CHLD INT TERM HUP QUIT);
  open(STDOUT, '>', $out) or POSIX::_exit(127);
  open(STDERR, '>&', \*STDOUT) or POSIX::_exit(127);
  open(STDIN, '<', '/dev/null') or fail("could not open /dev/null");
  POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new()) or fail("could not unblock signals");
  # A session of its own: the task leads its process group, which the node kills as a whole.
  defined(POSIX::setsid()) or fail("could not start a session");
  if ($uid ne '') {
    # As setpriv --reuid --regid --clear-groups --no-new-privs: no group but its own, no way back.
    $) = "$gid $gid";
    POSIX::setgid($gid) or fail("could not switch to group $gid");
    POSIX::setuid($uid) or fail("could not switch to user $uid");
    fail("could not switch to user $uid") if $< != $uid || $> != $uid;
    fail("could not switch to group $gid") if "$(" ne "$gid $gid" || "$)" ne "$gid $gid";
    syscall($PRCTL, $PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 or fail("could not set no_new_privs");
  }
  chdir($cwd) or fail("could not enter the task's working directory");
  %ENV = ();
  for (@$env) {
    my ($k, $v) = split /=/, $_, 2;
    $ENV{$k} = $v;
  }
  { no warnings 'exec'; exec { $argv->[0] } @$argv; }
  # As a shell says it: 127 when there is no such program, else 126.
  fail("could not run $argv->[0]", $!{ENOENT} ? 127 : 126);
}

sub fail {
  my ($what, $code) = @_;
  my $line = "[jtork] $what: $!\n";
  syswrite(STDOUT, $line);
  POSIX::_exit($code // 127);
}

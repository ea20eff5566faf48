"""Run many ufw command lines through the real ufw, each as `ufw --dry-run ARGS`, in one process.

    python3 ufw-dry-run.py RECORDS RESULTS

RECORDS holds the calls one after the other, each as its argument count and its arguments, every
field NUL-terminated (what `printf '%s\\0' "$#" "$@"` writes). RESULTS gets a JSON list of
{"args": [...], "code": exit status, "stderr": "..."} in the same order.

Each call executes the installed /usr/sbin/ufw script itself (runpy) with sys.argv set to
`ufw --dry-run ARGS`: the same parsing, rule building and checks as a separate `ufw --dry-run`
process — which costs ~20 ms of start-up per call, too much for thousands of calls. The only
shortcut: ufw reads its application profiles (/etc/ufw/applications.d) once instead of per call;
none of the generated commands uses an application profile. Dry runs write nothing; their output
(the rules ufw would write) is discarded, errors and warnings go to "stderr".
"""
import contextlib
import io
import json
import os
import runpy
import shutil
import sys

UFW = shutil.which('ufw', path='/usr/sbin:/usr/bin:/sbin:/bin') or '/usr/sbin/ufw'


def records(path):
    fields = open(path, 'rb').read().split(b'\0')
    i = 0
    while i < len(fields) - 1:
        n = int(fields[i])
        yield [f.decode('utf-8', 'surrogateescape') for f in fields[i + 1:i + 1 + n]]
        i += 1 + n


def main():
    records_path, results_path = sys.argv[1], sys.argv[2]
    import ufw.applications
    real_get_profiles = ufw.applications.get_profiles
    cache = {}

    def get_profiles(profiles_dir):
        if profiles_dir not in cache:
            cache[profiles_dir] = real_get_profiles(profiles_dir)
        return cache[profiles_dir]

    ufw.applications.get_profiles = get_profiles
    # ufw prints through the sys.stdout it saw at import time: send file descriptor 1 nowhere
    results_file = open(results_path, 'w')
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    results = []
    for args in records(records_path):
        err = io.StringIO()
        code = 0
        sys.argv = [UFW, '--dry-run', *args]
        with contextlib.redirect_stderr(err):
            try:
                runpy.run_path(UFW, run_name='__main__')
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except Exception as e:  # a crash in ufw is a refusal too
                code = 70
                err.write('%s: %s\n' % (type(e).__name__, e))
        results.append({'args': args, 'code': code, 'stderr': err.getvalue()})
    json.dump(results, results_file)
    results_file.close()


if __name__ == '__main__':
    main()

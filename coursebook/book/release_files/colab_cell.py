# Set-up for Google Colab (it does nothing anywhere else: Binder, your own Jupyter, the tests).
# On Colab it downloads this course's files (release {version}) and installs its Python package.
import os, sys
if "google.colab" in sys.modules:
    import subprocess
    COURSE, REPOSITORY, VERSION = "{colab_root}/course", "{repository}", "{version}"
    def run(*command):
        done = subprocess.run(command, capture_output=True, text=True)
        return done.returncode == 0, (done.stderr or done.stdout).strip()
    if not os.path.isdir(COURSE):
        print(f"Downloading the course files ({{VERSION}}) ...")
        clone = ["git", "-c", "advice.detachedHead=false", "clone", "--quiet", "--depth", "1"]
        ok, message = run(*clone, "--branch", VERSION, REPOSITORY, COURSE)
        if not ok:   # the tag is not published yet: take the newest files instead
            print(f"Release {{VERSION}} is not published; using the newest course files instead.")
            ok, message = run(*clone, REPOSITORY, COURSE)
        if not ok:
            raise RuntimeError(f"Could not download the course files from {{REPOSITORY}}: {{message}}")
        print("Installing the course's Python package (coursebook) and what it needs ...")
        for extra in (["-r", f"{{COURSE}}/requirements-colab.txt"], ["--no-deps", "--ignore-requires-python", COURSE]):
            ok, message = run(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *extra)
            if not ok:
                raise RuntimeError(f"Could not install the course's package: {{message[-800:]}}")
    os.chdir(f"{{COURSE}}/{folder}")
    print(f"Ready: working in {{os.getcwd()}} with the course's question banks and check files.")

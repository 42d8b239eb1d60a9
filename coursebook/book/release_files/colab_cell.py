# Set-up for Google Colab (it does nothing anywhere else: Binder, your own Jupyter, the tests).
# On Colab it downloads this course's files (release {version}) and installs its Python package.
import os, sys
if "google.colab" in sys.modules:
    import subprocess
    COURSE, REPOSITORY, VERSION = "{colab_root}/course", "{repository}", "{version}"
    if not os.path.isdir(COURSE):
        print(f"Downloading the course files ({{VERSION}}) from {{REPOSITORY}} ...")
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", VERSION, REPOSITORY, COURSE], check=True)
        print("Installing the course's Python package (coursebook) and what it needs ...")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-r", f"{{COURSE}}/requirements-colab.txt"], check=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-requires-python", COURSE], check=True)
    os.chdir(f"{{COURSE}}/{folder}")
    print(f"Ready: working in {{os.getcwd()}} with the course's question banks and check files.")

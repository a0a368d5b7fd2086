# An honest program: reads /dev/stdin and writes through /dev/stdout and /dev/stderr (as many do).
data = open("/dev/stdin").read()
with open("/dev/stdout", "w") as out:
    out.write(f"via /dev/stdout: {len(data)} bytes of input\n")
with open("/dev/stderr", "w") as err:
    err.write("via /dev/stderr\n")

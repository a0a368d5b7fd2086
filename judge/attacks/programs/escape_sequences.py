# Terminal control sequences on stderr (window title, clipboard write, clear screen, a bidi override),
# then a crash: the message shown for the runtime error must show them escaped, never raw.
import sys

sys.stderr.write("\x1b]0;owned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x9b31m\u202eevil\n")
sys.exit(1)

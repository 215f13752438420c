import json
import subprocess
import sys

# Both OpenBLAS copies (numpy's and scipy's), including one loaded only after the limit was set
# by an import the detector makes later (scikit-learn).
CHECK = """
from voice_therapist.blas_threads import limit_blas_threads
limit_blas_threads()
import sklearn.linear_model
import json
from threadpoolctl import threadpool_info
print(json.dumps(sorted(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")))
"""


def test_every_blas_library_runs_on_one_thread():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True,
                         env={"OPENBLAS_NUM_THREADS": "2"})
    counts = json.loads(out.stdout)
    assert counts and set(counts) == {1}

//! The instance workspace against a real OpenSSH server on loopback (`support::sshd`) standing
//! in for a GPU instance, and the real OpenSSH client.

mod support;

use support::sshd::Sshd;

/// The stand-in instance answers a real login, and its `nvidia-smi` prints the scripted
/// sequence in order, then repeats the last step; a `FAIL:` step fails with its reason.
#[test]
fn the_stand_in_instance_answers_with_the_scripted_readings() {
    let sshd = Sshd::start();
    sshd.script_gpu(&[
        "10, 100, 81920|20, 200, 81920",
        "FAIL:NVIDIA-SMI has failed",
        "99, 1, 2",
    ]);
    let call = || {
        let out = sshd
            .ssh()
            .arg("nvidia-smi --query-gpu=utilization.gpu")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = call();
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "10, 100, 81920\n20, 200, 81920\n"),
        "{err}"
    );
    let (code, _, err) = call();
    assert_eq!(code, Some(9));
    assert!(err.contains("NVIDIA-SMI has failed"), "{err}");
    for _ in 0..2 {
        assert_eq!(call().1, "99, 1, 2\n");
    }
    assert_eq!(sshd.gpu_calls().len(), 4);
    assert!(
        sshd.gpu_calls()
            .iter()
            .all(|a| a == "--query-gpu=utilization.gpu")
    );
    let (logins, sessions) = sshd.counts();
    assert_eq!((logins, sessions), (4, 4), "{}", sshd.log());
}

//! The guided Dockerfile review: a Dockerfile joined with the image it built (what each
//! instruction wrote, and what later layers hide) and with the build context it sends (what
//! `.dockerignore` lets through, what no COPY uses, what should never be sent).
pub mod apply;
pub mod context;
pub mod join;
pub mod project;
pub mod rebuild;
pub mod review;
pub mod walkthrough;
